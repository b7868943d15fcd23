//! `auth login`, `auth status`, `auth logout`: the API token of an
//! organization, checked with `GET /v2/access-token` and kept in the token
//! store. The environment (`BUILDKITE_API_TOKEN`) still wins over the store.

use serde::Serialize;

use super::prompt::read_token;
use super::session::{env_token_set, Session};
use super::{warn, AuthAction, Failure, Outcome, Output, EXIT_FAILED};
use crate::api_token::{self, Checked, SignInError, TOKEN_SETTINGS};
use crate::buildkite::RestClient;
use crate::config::{Paths, ENV_TOKEN};
use crate::secrets::Secret;
use crate::text::sanitize_line;

pub(super) async fn auth(session: &mut Session, out: Output, action: AuthAction) -> Outcome {
    match action {
        AuthAction::Login => login(session, out).await,
        AuthAction::Status => status(session, out).await,
        AuthAction::Logout => logout(session),
    }
}

/// What a check of the token found, for `--json` (never the token).
#[derive(Serialize)]
struct Report {
    organization: String,
    /// The server the token is for: "Buildkite", or a sandbox's `host:port`.
    server: String,
    source: &'static str,
    user: Option<String>,
    scopes: Vec<String>,
    missing: Vec<&'static str>,
}

/// Reads a token, checks it, stores it for the session's organization, and
/// leaves it in the session's settings so the caller can go on with it.
pub(super) async fn login(session: &mut Session, out: Output) -> Outcome {
    let org = session.org().to_owned();
    let server = api_token::other_server(&session.settings.rest_endpoint);
    let make_one = match &server {
        None => format!("make one at {TOKEN_SETTINGS}"),
        Some(_) => format!(
            "{}'s, not one from buildkite.com: a `bkportals sandbox` prints its token as it starts",
            session.server_name()
        ),
    };
    let token = read_token(&format!(
        "API access token for `{org}` on {} (input hidden; {make_one}): ",
        session.server_name()
    ))?;
    let rest = checking_client(session)?;
    let store = &mut session.store;
    // Stored even when it lacks a scope: the warnings below say what to add.
    let keep = |token| std::future::ready(api_token::keep(store, &org, token));
    let signed_in = api_token::sign_in(&rest, token, true, keep)
        .await
        .map_err(failure)?;
    signed_in
        .stored
        .map_err(|e| Failure(format!("the token was not stored: {e}"), EXIT_FAILED))?;
    session.settings.api_token = Some(signed_in.token);
    let report = report(session, "store", &signed_in.checked);
    if out.json {
        out.print_json(&report)?;
    }
    let who = report
        .user
        .as_deref()
        .map(|u| format!(" as {}", sanitize_line(u)))
        .unwrap_or_default();
    eprintln!(
        "Signed in to `{org}`{who}; the API token for {} is {}.",
        session.server_name(),
        session.store.describe()
    );
    say_missing(session, &report.missing);
    if env_token_set() {
        warn(format!(
            "{ENV_TOKEN} is set in this shell: it is used instead of the stored token until you unset it"
        ));
    }
    remember_organization(session, &org);
    Ok(0)
}

async fn status(session: &mut Session, out: Output) -> Outcome {
    let org = session.org().to_owned();
    // `--demo` uses its sandbox's own token, whatever the environment says.
    let source = if session._sandbox.is_some() {
        "demo"
    } else if env_token_set() {
        "environment"
    } else if session.store.has_api_token(&org) {
        "store"
    } else {
        "none"
    };
    // None stored for this server: the message names the one it belongs to.
    let token = session
        .settings
        .require_token()
        .map_err(|e| Failure(e.to_string(), EXIT_FAILED))?
        .clone();
    let checked = api_token::check(&checking_client(session)?, &token)
        .await
        .map_err(failure)?;
    let report = report(session, source, &checked);
    if out.json {
        out.print_json(&report)?;
        return Ok(0);
    }
    let from = match source {
        "environment" => format!("from {ENV_TOKEN}"),
        "demo" => "the demo sandbox's own, kept in memory for this run".to_owned(),
        _ => session.store.describe(),
    };
    println!("organization: {}", sanitize_line(&org));
    println!("server: {}", report.server);
    println!("token: {from}");
    if let Some(user) = &report.user {
        println!("user: {}", sanitize_line(user));
    }
    let scopes: Vec<String> = report.scopes.iter().map(|s| sanitize_line(s)).collect();
    println!("scopes: {}", scopes.join(", "));
    say_missing(session, &report.missing);
    Ok(0)
}

fn logout(session: &mut Session) -> Outcome {
    let org = session.org().to_owned();
    let forgot = session.store.forget_api_token(&org)?;
    let server = session.server_name();
    if forgot {
        eprintln!("Forgot the API token stored for `{org}` on {server}.");
    } else {
        eprintln!("No API token was stored for `{org}` on {server}.");
    }
    if env_token_set() {
        warn(format!(
            "{ENV_TOKEN} is still set in this shell, so commands keep using it"
        ));
    }
    Ok(if forgot { 0 } else { EXIT_FAILED })
}

/// A client for the session's endpoint and organization, to check a token
/// with (`api_token` gives it the token).
fn checking_client(session: &Session) -> Result<RestClient, Failure> {
    session.rest_with(Secret::new(""))
}

fn failure(error: SignInError) -> Failure {
    match error {
        SignInError::Failed(e) => e.into(),
        refused => Failure(refused.to_string(), EXIT_FAILED),
    }
}

fn report(session: &Session, source: &'static str, checked: &Checked) -> Report {
    Report {
        organization: session.org().to_owned(),
        server: session.server_name(),
        source,
        user: checked.user.clone(),
        scopes: checked.scopes.clone(),
        missing: checked.missing.clone(),
    }
}

fn say_missing(session: &Session, missing: &[&str]) {
    let server = api_token::other_server(&session.settings.rest_endpoint);
    for scope in missing {
        warn(api_token::missing_advice(scope, server.as_deref()));
    }
}

/// After the app's sign-in dialog stored a token, what `login` does next:
/// with no config file yet, the organization becomes the default.
pub(super) fn after_app_sign_in(session: &Session) {
    let org = session.org();
    let stored = crate::secrets::TokenStore::open(&Paths::discover().token_store()).is_ok_and(
        |mut store| {
            let endpoints = &session.settings;
            store.use_servers(&endpoints.rest_endpoint, &endpoints.portal_endpoint);
            store.has_api_token(org)
        },
    );
    if stored {
        remember_organization(session, org);
    }
}

/// With no config file yet, the organization signed in to becomes the
/// default, so the next command needs no `--org`.
fn remember_organization(session: &Session, org: &str) {
    if session._sandbox.is_some() {
        return;
    }
    let config_file = Paths::discover().config_file;
    if config_file.exists() {
        return;
    }
    let text = format!(
        "default_profile = {}\n",
        toml_string(org) // quoted: a slug is plain, but the file must parse whatever it is
    );
    match crate::fsutil::write_private_file(&config_file, text.as_bytes()) {
        Ok(()) => eprintln!(
            "`{org}` is now the default organization ({}).",
            config_file.display()
        ),
        Err(e) => warn(format!(
            "could not write {} ({e}); pass --org {org} to the next commands",
            config_file.display()
        )),
    }
}

fn toml_string(text: &str) -> String {
    serde_json::Value::String(text.to_owned()).to_string()
}
