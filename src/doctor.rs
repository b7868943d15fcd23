//! `bkportals doctor`: checks what bkportals depends on and says what to fix.

use std::path::Path;

use serde::Serialize;

use crate::buildkite::{ClientOptions, RestClient};
use crate::config::Settings;
use crate::secrets::{Backend, TokenStore};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Ok,
    Warning,
    Problem,
}

#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub verdict: Verdict,
    pub what: String,
    /// What to do about a warning or a problem.
    pub fix: Option<String>,
}

fn ok(what: impl Into<String>) -> Check {
    Check {
        verdict: Verdict::Ok,
        what: what.into(),
        fix: None,
    }
}

fn warning(what: impl Into<String>, fix: impl Into<String>) -> Check {
    Check {
        verdict: Verdict::Warning,
        what: what.into(),
        fix: Some(fix.into()),
    }
}

fn problem(what: impl Into<String>, fix: impl Into<String>) -> Check {
    Check {
        verdict: Verdict::Problem,
        what: what.into(),
        fix: Some(fix.into()),
    }
}

/// Files and folders: private, or a warning that says how to make them so.
pub fn check_files(config_file: &Path, data_dir: &Path, store: &TokenStore) -> Vec<Check> {
    let mut checks = Vec::new();
    checks.push(if config_file.exists() {
        ok(format!(
            "config file {} reads cleanly",
            config_file.display()
        ))
    } else {
        ok(format!(
            "no config file at {} (the environment and defaults apply)",
            config_file.display()
        ))
    });
    checks.push(match (store.backend(), store.path()) {
        (Backend::Keyring, _) => ok("tokens are kept in the OS keyring"),
        (_, Some(path)) => ok(format!(
            "tokens are kept in {} (no OS keyring answered)",
            path.display()
        )),
        _ => ok("tokens are kept in memory for this run"),
    });
    if let Some(warning_text) = &store.warning {
        checks.push(warning(
            "the token store is readable by others",
            warning_text.clone(),
        ));
    }
    #[cfg(unix)]
    for dir in [data_dir.to_path_buf(), data_dir.join("drafts")] {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(&dir) {
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                checks.push(warning(
                    format!(
                        "{} can be read by other users (mode {mode:o})",
                        dir.display()
                    ),
                    format!("chmod 700 {}", dir.display()),
                ));
            }
        }
    }
    #[cfg(not(unix))]
    let _ = data_dir;
    checks
}

/// The API token, its scopes, and each endpoint, over the network.
pub async fn check_endpoints(settings: &Settings, options: ClientOptions) -> Vec<Check> {
    let mut checks = vec![ok(format!("organization `{}`", settings.org))];
    let Some(token) = settings.api_token.clone().filter(|t| !t.is_empty()) else {
        checks.push(problem(
            "no API token",
            "set BUILDKITE_API_TOKEN to an API access token with the read_portals and write_portals scopes",
        ));
        return checks;
    };
    let rest = match RestClient::new(
        settings.rest_endpoint.clone(),
        &settings.org,
        token.clone(),
        options.clone(),
    ) {
        Ok(rest) => rest,
        Err(e) => {
            checks.push(problem(
                format!("REST endpoint {}", settings.rest_endpoint),
                e.to_string(),
            ));
            return checks;
        }
    };
    match rest.access_token().await {
        Ok(info) => {
            let owner = info
                .user
                .and_then(|u| u.email.or(u.name))
                .map(|who| format!(" of {who}"))
                .unwrap_or_default();
            checks.push(ok(format!(
                "{} answers; the API token{owner} is valid",
                settings.rest_endpoint
            )));
            for scope in ["read_portals", "write_portals"] {
                if info.scopes.iter().any(|s| s == scope) {
                    checks.push(ok(format!("the token has the {scope} scope")));
                } else {
                    checks.push(problem(
                        format!("the token lacks the {scope} scope"),
                        format!(
                            "add {scope} {}",
                            crate::buildkite::http::token_settings(
                                crate::buildkite::http::other_server(&settings.rest_endpoint)
                                    .as_deref()
                            )
                        ),
                    ));
                }
            }
        }
        Err(e) => checks.push(problem(
            format!("REST endpoint {}", settings.rest_endpoint),
            e.to_string(),
        )),
    }
    match rest.list_pages(|_| {}).await {
        Ok(()) => checks.push(ok(format!(
            "the portals of `{}` can be listed",
            settings.org
        ))),
        Err(e) => checks.push(problem("listing portals", e.to_string())),
    }
    checks.push(
        reachable(
            "portal endpoint",
            settings.portal_endpoint.as_str(),
            &options,
        )
        .await,
    );
    checks
}

/// Any HTTP answer at all means the host is there.
async fn reachable(what: &str, url: &str, options: &ClientOptions) -> Check {
    let client = reqwest::Client::builder()
        .connect_timeout(options.connect_timeout)
        .timeout(options.request_timeout)
        .redirect(reqwest::redirect::Policy::none())
        .build();
    let Ok(client) = client else {
        return problem(format!("{what} {url}"), "could not build an HTTP client");
    };
    match client.get(url).send().await {
        Ok(_) => ok(format!("{what} {url} answers")),
        Err(e) => problem(
            format!("{what} {url} does not answer"),
            format!("check the address and the network ({e})"),
        ),
    }
}
