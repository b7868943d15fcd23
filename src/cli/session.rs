//! The session a command runs in: settings, the token store and the sandbox,
//! plus reading the user's files and environment variables.

use std::io::Read;
use std::path::{Path, PathBuf};

use super::{warn, Failure, EXIT_FAILED, EXIT_USAGE};
use crate::buildkite::{ClientOptions, Notices, PortalClient, RestClient};
use crate::config::{self, ConfigFile, Paths, Settings};
use crate::sandbox::{self, RunningSandbox, SandboxOptions};
use crate::secrets::{Secret, TokenStore};

/// Settings, the token store, and the sandbox when `--demo` started one.
pub(super) struct Session {
    pub(super) settings: Settings,
    pub(super) store: TokenStore,
    pub(super) data_dir: PathBuf,
    pub(super) cache_dir: PathBuf,
    /// Said on stderr at start; the app shows them too (its screen hides stderr).
    pub(super) warnings: Vec<String>,
    pub(super) _sandbox: Option<RunningSandbox>,
}

impl Session {
    pub(super) async fn open(demo: bool, org_flag: Option<&str>) -> Result<Session, Failure> {
        if demo {
            let sandbox = sandbox::start(SandboxOptions::default()).await?;
            let mut warnings = Vec::new();
            if let Some(org) = org_flag.filter(|org| *org != sandbox.org_slug) {
                let warning = format!(
                    "--demo uses the sandbox's organization `{}`; --org `{org}` is ignored",
                    sandbox.org_slug
                );
                warn(&warning);
                warnings.push(warning);
            }
            let parse = |u: String| url::Url::parse(&u).map_err(Failure::from);
            let settings = Settings {
                org: sandbox.org_slug.clone(),
                api_token: Some(Secret::new(&sandbox.api_token)),
                rest_endpoint: parse(sandbox.rest_endpoint())?,
                graphql_endpoint: parse(sandbox.graphql_endpoint())?,
                portal_endpoint: parse(sandbox.portal_endpoint())?,
                token_stored_for: None,
            };
            // Its random port means nothing to a reader: "the demo sandbox".
            crate::buildkite::http::name_demo_sandbox(&settings.rest_endpoint);
            // Filed for the sandbox's origin, as the real store files a
            // sandbox's tokens (`config::resolve` does this there).
            let mut store = TokenStore::in_memory();
            store.use_servers(&settings.rest_endpoint, &settings.portal_endpoint);
            for (slug, token) in &sandbox.portal_tokens {
                store.set_portal_token(&sandbox.org_slug, slug, Secret::new(token))?;
            }
            return Ok(Session {
                settings,
                store,
                // Sandbox drafts stay apart from a real organization's.
                data_dir: Paths::discover().data_dir.join("sandbox"),
                cache_dir: Paths::discover().cache_dir,
                warnings,
                _sandbox: Some(sandbox),
            });
        }
        let paths = Paths::discover();
        let (file, mut warnings) = ConfigFile::load_or_set_aside(&paths.config_file)?;
        for warning in &warnings {
            warn(warning);
        }
        let mut store = TokenStore::open(&paths.token_store())?;
        if let Some(warning) = &store.warning {
            warn(warning);
            warnings.push(warning.clone());
        }
        let settings = config::resolve(
            &file,
            &paths.config_file,
            |name| std::env::var(name).ok(),
            org_flag,
            &mut store,
        )
        .map_err(setting_failure)?;
        if env_token_set() && store.has_api_token(&settings.org) {
            // As Buildkite's `bk` does: say which token wins, so a stale
            // variable is not mistaken for the token just stored.
            let warning = format!(
                "{} is set and is used instead of the API token stored for `{}`; unset it to use the stored one",
                config::ENV_TOKEN,
                settings.org
            );
            warn(&warning);
            warnings.push(warning);
        }
        Ok(Session {
            settings,
            store,
            data_dir: paths.data_dir,
            cache_dir: paths.cache_dir,
            warnings,
            _sandbox: None,
        })
    }

    pub(super) fn rest(&self) -> Result<RestClient, Failure> {
        self.rest_with(self.settings.require_token()?.clone())
    }

    /// A client of the session's endpoint and organization calling with `token`.
    pub(super) fn rest_with(&self, token: Secret) -> Result<RestClient, Failure> {
        // A wait on the rate limit is said on stderr (the app replaces this
        // with its status line).
        let options = ClientOptions {
            notices: Notices::new(|notice| eprintln!("{notice}")),
            ..ClientOptions::default()
        };
        Ok(RestClient::new(
            self.settings.rest_endpoint.clone(),
            &self.settings.org,
            token,
            options,
        )?)
    }

    pub(super) fn portal_client(&self) -> Result<PortalClient, Failure> {
        Ok(PortalClient::new(
            self.settings.portal_endpoint.clone(),
            &self.settings.org,
            ClientOptions::default(),
        )?)
    }

    /// Keeps the slugs just listed for shell completion; a failure only
    /// costs completion, so it is logged, not reported.
    pub(super) fn remember_slugs(&self, portals: &[crate::buildkite::Portal]) {
        let cache = crate::slug_cache::SlugCache::new(&self.cache_dir);
        if let Err(e) = cache.remember(self.org(), portals.iter().map(|p| p.slug.clone())) {
            tracing::debug!("could not keep the portal slugs for completion: {e}");
        }
    }

    pub(super) fn org(&self) -> &str {
        &self.settings.org
    }

    /// The server as messages name it: "Buildkite", or a sandbox's (or other
    /// server's) `host:port`.
    pub(super) fn server_name(&self) -> String {
        use crate::buildkite::http::{other_server, server_said};
        server_said(other_server(&self.settings.rest_endpoint).as_deref())
    }
}

/// No organization chosen is a usage error (exit 2): the command cannot
/// mean anything until one is given. The rest fail (exit 1).
fn setting_failure(e: config::ConfigError) -> Failure {
    let code = match e {
        config::ConfigError::NoOrganization { .. } => EXIT_USAGE,
        _ => EXIT_FAILED,
    };
    Failure(e.to_string(), code)
}

/// Whether the API token comes from the environment rather than the store.
pub(super) fn env_token_set() -> bool {
    std::env::var(config::ENV_TOKEN).is_ok_and(|v| !v.trim().is_empty())
}

pub(super) fn read_input(path: &Path, what: &str) -> Result<String, Failure> {
    let result = if path == Path::new("-") {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).map(|_| text)
    } else {
        std::fs::read_to_string(path)
    };
    result.map_err(|e| {
        Failure(
            format!("could not read {what} {}: {e}", path.display()),
            EXIT_FAILED,
        )
    })
}

pub(super) fn secret_from_env(name: &str, flag: &str) -> Result<Secret, Failure> {
    std::env::var(name)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .map(|v| Secret::new(v.trim()))
        .ok_or_else(|| {
            Failure(
                format!("the environment variable {name} (from {flag}) is not set"),
                EXIT_USAGE,
            )
        })
}
