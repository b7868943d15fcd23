//! A fake Buildkite for answers the sandbox never gives (hostile strings,
//! other shapes of the same JSON): an axum router on a loopback port, served
//! from a thread of its own so tests can run the real binary meanwhile.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::thread::JoinHandle;

use tokio::sync::oneshot;

pub const ORG: &str = "acme";
pub const API_TOKEN: &str = "bkua_fake_api_token";

pub struct FakeServer {
    pub addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl FakeServer {
    /// Serves `router` until dropped. Routes follow Buildkite's hosts on one
    /// port: REST at `/`, portals at `/portal/`, GraphQL at `/graphql`.
    pub fn start(router: axum::Router) -> FakeServer {
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (shutdown, stop) = oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime for the fake server");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("a loopback port");
                addr_tx
                    .send(listener.local_addr().expect("its address"))
                    .expect("the test waits for the address");
                axum::serve(listener, router)
                    .with_graceful_shutdown(async {
                        let _ = stop.await;
                    })
                    .await
                    .expect("the fake server runs");
            });
        });
        FakeServer {
            addr: addr_rx.recv().expect("the fake server starts"),
            shutdown: Some(shutdown),
            thread: Some(thread),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}/{path}", self.addr)
    }

    /// The environment that points bkportals at this server.
    pub fn exports(&self) -> Vec<(String, String)> {
        [
            ("BUILDKITE_REST_API_ENDPOINT", self.url("")),
            ("BUILDKITE_PORTAL_ENDPOINT", self.url("portal/")),
            ("BUILDKITE_GRAPHQL_ENDPOINT", self.url("graphql")),
            ("BUILDKITE_ORGANIZATION_SLUG", ORG.to_owned()),
            ("BUILDKITE_API_TOKEN", API_TOKEN.to_owned()),
        ]
        .into_iter()
        .map(|(name, value)| (name.to_owned(), value))
        .collect()
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
