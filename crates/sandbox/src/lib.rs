//! An embedded Buildkite: the portals REST API, the portal endpoint and a
//! GraphQL endpoint (`/v1`), served by axum on 127.0.0.1 from one process.
//!
//! It shares no code with the client (`crate::buildkite`): both are written
//! from Buildkite's docs, so a misread field cannot hide in a shared type.

mod approval;
mod complexity;
mod connection;
mod credentials;
mod document_run;
mod faults;
mod graphql;
mod graphql_endpoint;
mod http_rules;
mod limits;
mod listing;
mod mutations;
mod portal_endpoint;
mod portal_tokens;
mod published_schema;
mod rate_answers;
mod relations;
mod request_rules;
mod resolve;
mod rest;
mod rest_limits;
mod schema_model;
mod security;
mod state;
mod type_index;
mod world_graph;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::routing::{get, post};
use axum::Router;
use tokio::sync::oneshot;

pub use faults::FaultSpec;
pub use security::NewCredential;
pub use state::slugify;
use state::World;

/// How to run a sandbox.
#[derive(Debug, Clone)]
pub struct SandboxOptions {
    /// 0 picks a free port.
    pub port: u16,
    /// Portals and builds are kept in this file across restarts.
    pub state_file: Option<PathBuf>,
    /// Extra generated portals, for large-organization demos and benchmarks.
    pub extra_portals: usize,
    /// REST requests per window for the organization (Buildkite: 200 a minute).
    pub org_rate_limit: u32,
    /// REST requests per window for one user (Buildkite: 50 a minute).
    pub user_rate_limit: u32,
    /// Portal invocations per window for the organization (Buildkite: 200 a minute).
    pub portal_rate_limit: u32,
    pub rate_window: Duration,
    /// How long a minute lasts for code and short-lived token lifetimes
    /// (tests shorten it to see codes and tokens expire).
    pub minute: Duration,
    /// Faults to inject (see `FaultSpec`); none by default.
    pub faults: FaultSpec,
    /// The requested complexity one GraphQL query may have (Buildkite: 50,000).
    pub max_complexity: u64,
    /// Actual complexity points a window for the organization (Buildkite: 20,000)
    /// and for one user (5,000), over GraphQL and portal calls.
    pub org_complexity_points: u32,
    pub user_complexity_points: u32,
    /// Buildkite's complexity window is five minutes.
    pub complexity_window: Duration,
}

impl Default for SandboxOptions {
    fn default() -> Self {
        SandboxOptions {
            port: 0,
            state_file: None,
            extra_portals: 0,
            org_rate_limit: 200,
            user_rate_limit: 50,
            portal_rate_limit: 200,
            rate_window: Duration::from_secs(60),
            minute: Duration::from_secs(60),
            faults: FaultSpec::default(),
            max_complexity: 50_000,
            org_complexity_points: 20_000,
            user_complexity_points: 5_000,
            complexity_window: Duration::from_secs(300),
        }
    }
}

pub(crate) struct Shared {
    world: Mutex<World>,
    limits: Mutex<Limits>,
    state_file: Option<PathBuf>,
    base_url: String,
    minute: Duration,
    max_complexity: u64,
    /// Approval-page sign-ins: session id -> user uuid.
    sessions: Mutex<std::collections::HashMap<String, String>>,
}

struct Limits {
    org: limits::RateLimiter,
    user: limits::RateLimiter,
    portal: limits::RateLimiter,
    /// Complexity points of GraphQL and portal calls.
    graphql_org: limits::RateLimiter,
    graphql_user: limits::RateLimiter,
}

impl Shared {
    fn world(&self) -> MutexGuard<'_, World> {
        // A panic while holding the lock leaves data that is still usable.
        self.world.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn sessions(&self) -> MutexGuard<'_, std::collections::HashMap<String, String>> {
        self.sessions.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn limits(&self) -> MutexGuard<'_, Limits> {
        self.limits.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn persist(&self, world: &World) {
        if let Some(path) = &self.state_file {
            if let Err(e) = world.save_state(path) {
                tracing::error!("could not save sandbox state to {}: {e}", path.display());
            }
        }
    }
}

/// Builds the executable published schema, as a sandbox's first GraphQL
/// request waits for it (for the `schema_build` benchmark).
#[doc(hidden)]
pub fn build_published_schema() -> Result<(), String> {
    published_schema::build().map(drop)
}

/// The sandbox's GraphQL schema in SDL, as `/v1` introspection describes it:
/// Buildkite's whole published schema.
pub fn schema_sdl() -> Result<String, String> {
    published_schema::build().map(|schema| schema.sdl())
}

/// A sandbox that is listening. Dropping it stops the server.
pub struct RunningSandbox {
    pub addr: SocketAddr,
    pub org_slug: String,
    /// A token with every portal scope and GraphQL access.
    pub api_token: String,
    /// The seeded portals and their tokens, so a demo can invoke them.
    pub portal_tokens: Vec<(String, String)>,
    shared: Arc<Shared>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl RunningSandbox {
    pub fn base_url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    pub fn rest_endpoint(&self) -> String {
        self.base_url()
    }

    pub fn portal_endpoint(&self) -> String {
        self.base_url()
    }

    pub fn graphql_endpoint(&self) -> String {
        format!("{}v1", self.base_url())
    }

    /// Shell lines that point any `bkportals` at this sandbox.
    pub fn shell_exports(&self) -> String {
        format!(
            "export BUILDKITE_REST_API_ENDPOINT={}\nexport BUILDKITE_PORTAL_ENDPOINT={}\nexport BUILDKITE_GRAPHQL_ENDPOINT={}\nexport BUILDKITE_ORGANIZATION_SLUG={}\nexport BUILDKITE_API_TOKEN={}\n",
            self.rest_endpoint(),
            self.portal_endpoint(),
            self.graphql_endpoint(),
            self.org_slug,
            self.api_token
        )
    }

    /// The Security page's "New token": another long-lived token for portal
    /// `slug`; the earlier ones keep working until removed.
    pub fn new_portal_token(&self, slug: &str) -> Result<NewCredential, String> {
        self.add_credential(slug, credentials::Kind::Token)
    }

    /// The Security page's "New Secret" (refused when the portal has two).
    pub fn new_portal_secret(&self, slug: &str) -> Result<NewCredential, String> {
        self.add_credential(slug, credentials::Kind::Secret)
    }

    /// Removes a long-lived token of `slug`, named by its id or the start of its value.
    pub fn remove_portal_token(&self, slug: &str, id_or_prefix: &str) -> Result<(), String> {
        self.remove_credential(slug, credentials::Kind::Token, id_or_prefix)
    }

    /// Removes a secret of `slug`, named by its id or the start of its value.
    pub fn remove_portal_secret(&self, slug: &str, id_or_prefix: &str) -> Result<(), String> {
        self.remove_credential(slug, credentials::Kind::Secret, id_or_prefix)
    }

    fn remove_credential(
        &self,
        slug: &str,
        kind: credentials::Kind,
        name: &str,
    ) -> Result<(), String> {
        security::remove(&self.shared, slug, kind, name)
            .map(drop)
            .map_err(|e| e.to_string())
    }

    fn add_credential(&self, slug: &str, kind: credentials::Kind) -> Result<NewCredential, String> {
        security::add(&self.shared, slug, kind)
            .map(|c| NewCredential {
                id: c.id,
                value: c.value,
            })
            .map_err(|e| e.to_string())
    }

    /// Waits until the server stops (it runs until the process ends).
    pub async fn wait(mut self) {
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for RunningSandbox {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Starts a sandbox on 127.0.0.1 and returns once it listens.
pub async fn start(options: SandboxOptions) -> Result<RunningSandbox, String> {
    let mut world = World::seeded();
    if let Some(path) = &options.state_file {
        world.load_state(path)?;
    }
    world.generate_portals(options.extra_portals);

    let listener = tokio::net::TcpListener::bind(("127.0.0.1", options.port))
        .await
        .map_err(|e| format!("could not listen on 127.0.0.1:{}: {e}", options.port))?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("could not read the listening address: {e}"))?;

    let api_token = world
        .api_tokens
        .iter()
        .find(|t| t.scopes.iter().any(|s| s == "write_portals"))
        .map(|t| t.token.clone())
        .unwrap_or_default();
    let org_slug = world.organization.slug.clone();
    let portal_tokens = world
        .portals
        .iter()
        .filter_map(|p| Some((p.slug.clone(), p.tokens.first()?.value.clone())))
        .collect();

    let shared = Arc::new(Shared {
        world: Mutex::new(world),
        limits: Mutex::new(Limits {
            org: limits::RateLimiter::new(options.org_rate_limit, options.rate_window),
            user: limits::RateLimiter::new(options.user_rate_limit, options.rate_window),
            portal: limits::RateLimiter::new(options.portal_rate_limit, options.rate_window),
            graphql_org: limits::RateLimiter::new(
                options.org_complexity_points,
                options.complexity_window,
            ),
            graphql_user: limits::RateLimiter::new(
                options.user_complexity_points,
                options.complexity_window,
            ),
        }),
        state_file: options.state_file.clone(),
        base_url: format!("http://{addr}"),
        minute: options.minute,
        max_complexity: options.max_complexity,
        sessions: Mutex::default(),
    });
    // Built in the background: the server answers REST at once.
    tokio::spawn(graphql::schema());
    if let Some(path) = &options.state_file {
        shared.persist(&shared.world());
        tracing::info!("sandbox state is kept in {}", path.display());
    }

    let mut app = router(shared.clone());
    if options.faults != FaultSpec::default() {
        tracing::info!("injecting faults: {:?}", options.faults);
        let ceilings = faults::Ceilings {
            rest: options.org_rate_limit,
            portal: options.portal_rate_limit,
            graphql_points: options.org_complexity_points,
        };
        let faults = faults::Faults::new(options.faults.clone(), ceilings);
        app = app.layer(axum::middleware::from_fn_with_state(faults, faults::inject));
    }
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let server = axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async {
            let _ = rx.await;
        });
        if let Err(e) = server.await {
            tracing::error!("sandbox server stopped: {e}");
        }
    });
    tracing::info!("sandbox listening on http://{addr}");
    Ok(RunningSandbox {
        addr,
        org_slug,
        api_token,
        portal_tokens,
        shared,
        shutdown: Some(tx),
        task: Some(task),
    })
}

fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/", get(rest::root))
        .route(
            "/v2/access-token",
            get(rest::access_token).delete(rest::revoke_access_token),
        )
        .route(
            "/v2/organizations/{org}/portals",
            get(rest::list).post(rest::create),
        )
        .route(
            "/v2/organizations/{org}/portals/{slug}",
            get(rest::show).put(rest::update).delete(rest::delete),
        )
        .route(
            "/organizations/{org}/portals/{slug}",
            post(portal_endpoint::invoke),
        )
        .route(
            "/organizations/{org}/portals/{slug}/codes",
            post(portal_tokens::create_code),
        )
        .route(
            "/organizations/{org}/portals/{slug}/tokens",
            post(portal_tokens::create_token),
        )
        .route(
            "/organizations/{org}/portals/{slug}/security",
            get(security::show),
        )
        .route(
            "/organizations/{org}/portals/{slug}/security/{list}",
            post(security::create),
        )
        .route(
            "/organizations/{org}/portals/{slug}/security/{list}/{name}",
            axum::routing::delete(security::delete),
        )
        .route("/authorize/{code}", get(approval::authorize_page))
        .route("/authorize/{code}/approve", post(approval::approve))
        .route("/authorize/{code}/deny", post(approval::deny))
        .route("/sign-in", post(approval::sign_in))
        .route("/v1", post(graphql_endpoint::endpoint))
        .fallback(rest::not_found)
        .layer(axum::middleware::from_fn_with_state(
            shared.clone(),
            rest_limits::count,
        ))
        .layer(axum::middleware::from_fn(http_rules::apply))
        .layer(axum::extract::DefaultBodyLimit::max(
            http_rules::BODY_LIMIT_BYTES,
        ))
        .with_state(shared)
}
