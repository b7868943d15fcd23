//! Shared by the integration tests: a sandbox on an ephemeral loopback port,
//! and clients pointed at it.
#![allow(dead_code)]

use std::io::BufRead;
use std::time::Duration;

use bkportals::buildkite::{ClientOptions, PortalClient, RestClient};
use bkportals::sandbox::{self, RunningSandbox, SandboxOptions};
use bkportals::secrets::Secret;

pub const READ_ONLY_TOKEN: &str = "bkua_sandbox_read_portals_only";
pub const NO_PORTAL_SCOPES_TOKEN: &str = "bkua_sandbox_no_portal_scopes";

pub async fn sandbox() -> RunningSandbox {
    sandbox_with(SandboxOptions::default()).await
}

pub async fn sandbox_with(options: SandboxOptions) -> RunningSandbox {
    sandbox::start(options).await.expect("sandbox starts")
}

/// Short timeouts and backoff so fault tests finish quickly.
pub fn quick_options() -> ClientOptions {
    ClientOptions {
        connect_timeout: Duration::from_secs(2),
        request_timeout: Duration::from_secs(2),
        get_attempts: 3,
        backoff: Duration::from_millis(20),
        max_rate_limit_wait: Duration::from_secs(5),
        max_body_bytes: 8 << 20,
        ..ClientOptions::default()
    }
}

/// How messages name the sandbox: its `host:port`, where Buildkite would be named.
pub fn server_name(sandbox: &RunningSandbox) -> String {
    let url = url::Url::parse(&sandbox.rest_endpoint()).unwrap();
    format!("{}:{}", url.host_str().unwrap(), url.port().unwrap())
}

pub fn rest(sandbox: &RunningSandbox) -> RestClient {
    rest_with_token(sandbox, &sandbox.api_token)
}

pub fn rest_with_token(sandbox: &RunningSandbox, token: &str) -> RestClient {
    RestClient::new(
        sandbox.rest_endpoint().parse().unwrap(),
        &sandbox.org_slug,
        Secret::new(token),
        quick_options(),
    )
    .unwrap()
}

pub fn portal_client(sandbox: &RunningSandbox) -> PortalClient {
    portal_client_with(sandbox, quick_options())
}

pub fn portal_client_with(sandbox: &RunningSandbox, options: ClientOptions) -> PortalClient {
    PortalClient::new(
        sandbox.portal_endpoint().parse().unwrap(),
        &sandbox.org_slug,
        options,
    )
    .unwrap()
}

pub fn portal_token(sandbox: &RunningSandbox, slug: &str) -> Secret {
    let token = sandbox
        .portal_tokens
        .iter()
        .find(|(s, _)| s == slug)
        .map(|(_, t)| t.clone())
        .expect("seeded portal");
    Secret::new(token)
}

pub const BIN: &str = env!("CARGO_BIN_EXE_bkportals");

/// A `bkportals sandbox` child process and the environment it printed.
pub struct SandboxProcess {
    child: std::process::Child,
    pub exports: Vec<(String, String)>,
}

impl SandboxProcess {
    /// The exports without the API token: a person who has none yet.
    #[allow(dead_code)] // not every test binary signs in
    pub fn exports_without_api_token(&self) -> Vec<(String, String)> {
        self.exports
            .iter()
            .filter(|(name, _)| name != "BUILDKITE_API_TOKEN")
            .cloned()
            .collect()
    }

    pub fn start(state: &std::path::Path) -> SandboxProcess {
        SandboxProcess::start_with(state, &[])
    }

    /// With more `bkportals sandbox` arguments, e.g. `["--faults", "503=2"]`.
    pub fn start_with(state: &std::path::Path, extra: &[&str]) -> SandboxProcess {
        SandboxProcess::start_on(0, state, extra)
    }

    /// On a given port (0: any free one), e.g. to come back where a stopped one was.
    pub fn start_on(port: u16, state: &std::path::Path, extra: &[&str]) -> SandboxProcess {
        let mut child = std::process::Command::new(BIN)
            .args(["sandbox", "--port", &port.to_string(), "--state"])
            .arg(state)
            .args(extra)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("sandbox starts");
        let stdout = child.stdout.take().expect("stdout");
        let exports: Vec<(String, String)> = std::io::BufReader::new(stdout)
            .lines()
            .take(5)
            .map(|line| {
                let line = line.expect("export line");
                let assignment = line.strip_prefix("export ").expect("export line");
                let (name, value) = assignment.split_once('=').expect("NAME=value");
                (name.to_owned(), value.to_owned())
            })
            .collect();
        let names: Vec<&str> = exports.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "BUILDKITE_REST_API_ENDPOINT",
                "BUILDKITE_PORTAL_ENDPOINT",
                "BUILDKITE_GRAPHQL_ENDPOINT",
                "BUILDKITE_ORGANIZATION_SLUG",
                "BUILDKITE_API_TOKEN"
            ]
        );
        SandboxProcess { child, exports }
    }

    /// How messages name it: its `host:port`, where Buildkite would be named.
    pub fn server_name(&self) -> String {
        let url = url::Url::parse(&self.exports[0].1).expect("the REST endpoint is a URL");
        format!("{}:{}", url.host_str().unwrap_or("?"), self.port())
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        let (_, url) = &self.exports[0];
        url::Url::parse(url)
            .ok()
            .and_then(|u| u.port())
            .expect("the REST endpoint has a port")
    }
}

impl Drop for SandboxProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Approves (or denies) a sign-in code as a person does on the page at its
/// `authorization_url`: signs in as the member `email`, then decides.
pub async fn approve_on_page(
    authorization_url: &str,
    email: &str,
    approve: bool,
) -> reqwest::StatusCode {
    let page = url::Url::parse(authorization_url).expect("an authorization URL");
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let signed_in = client
        .post(page.join("/sign-in").unwrap())
        .form(&[("email", email), ("next", page.path())])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), 303, "signing in sends back to the page");
    let cookie = signed_in.headers()["set-cookie"].to_str().unwrap();
    let session = cookie.split(';').next().unwrap().to_owned();
    let action = if approve { "approve" } else { "deny" };
    client
        .post(format!("{authorization_url}/{action}"))
        .header("cookie", session)
        .send()
        .await
        .unwrap()
        .status()
}
