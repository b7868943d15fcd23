//! `token login`, `token ephemeral`, `token add`, `token list` and `token forget`.

use std::io::IsTerminal;

use serde_json::json;

use super::prompt::read_token;
use super::session::{secret_from_env, Session};
use super::{warn, Failure, Outcome, Output, TokenAction, EXIT_FAILED};
use crate::buildkite::{ApiError, TokenCheck};
use crate::secrets::{Secret, TokenKind};
use crate::text::sanitize_line;

pub(super) async fn token(session: &mut Session, out: Output, action: TokenAction) -> Outcome {
    match action {
        TokenAction::Login { slug, expires_in } => login(session, out, &slug, expires_in).await,
        TokenAction::Ephemeral {
            slug,
            secret_env,
            client_id,
            expires_in,
        } => ephemeral(session, out, &slug, &secret_env, client_id, expires_in).await,
        TokenAction::Add { slug } => add(session, out, &slug).await,
        TokenAction::List => list(session, out),
        TokenAction::Forget { slug } => forget(session, &slug),
    }
}

async fn login(session: &mut Session, out: Output, slug: &str, expires_in: Option<u32>) -> Outcome {
    let org = session.settings.org.clone();
    let portals = session.portal_client()?;
    let code = portals.request_code(slug).await?;
    let url = sanitize_line(&code.authorization_url);
    eprintln!(
        "To run `{slug}` as yourself, approve code {} at:\n\n  {url}\n",
        sanitize_line(&code.code)
    );
    if crate::desktop::open_in_browser(&url) {
        eprintln!("(opened in your browser)");
    }
    let deadline = chrono::DateTime::parse_from_rfc3339(&code.expires_at)
        .map(|t| t.with_timezone(&chrono::Utc))
        .unwrap_or_else(|_| chrono::Utc::now() + chrono::Duration::minutes(5));
    let show_countdown = std::io::stderr().is_terminal();
    let mut unreadable = 0;
    let granted = loop {
        let left = (deadline - chrono::Utc::now()).num_seconds();
        if left <= 0 {
            return Err(Failure(
                format!("the code expired before it was approved: run `bkportals token login {slug}` again"),
                EXIT_FAILED,
            ));
        }
        if show_countdown {
            eprint!(
                "\rWaiting for approval… {}:{:02} left (Ctrl-C cancels) ",
                left / 60,
                left % 60
            );
        }
        match portals.exchange_code(slug, &code, expires_in).await? {
            crate::buildkite::Exchange::Granted(token) => break token,
            crate::buildkite::Exchange::Pending => unreadable = 0,
            crate::buildkite::Exchange::Unreadable(why) => {
                unreadable += 1;
                eprintln!(
                    "\rAn answer was unreadable ({}); still waiting for approval",
                    sanitize_line(&why)
                );
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(crate::buildkite::poll_interval(unreadable)) => {}
            _ = tokio::signal::ctrl_c() => {
                if show_countdown { eprintln!(); }
                return Err(Failure("cancelled: no token".into(), EXIT_FAILED));
            }
        }
    };
    if show_countdown {
        eprintln!();
    }
    session.store.set_short_token(
        &org,
        slug,
        TokenKind::User,
        granted.token,
        &granted.expires_at,
    )?;
    if out.json {
        out.print_json(
            &json!({ "portal": slug, "kind": TokenKind::User, "expires_at": granted.expires_at }),
        )?;
    }
    eprintln!(
        "Signed in: `bkportals invoke {slug}` now runs with your permissions until {} ({}).",
        sanitize_line(&granted.expires_at),
        session.store.describe()
    );
    Ok(0)
}

async fn ephemeral(
    session: &mut Session,
    out: Output,
    slug: &str,
    secret_env: &str,
    client_id: Option<String>,
    expires_in: Option<u32>,
) -> Outcome {
    let org = session.settings.org.clone();
    let secret = secret_from_env(secret_env, "--secret-env")?;
    let client_id = match client_id {
        Some(id) => id,
        None => session.rest()?.get(slug).await?.uuid,
    };
    let granted = session
        .portal_client()?
        .ephemeral_token(slug, &client_id, &secret, expires_in)
        .await?;
    session.store.set_short_token(
        &org,
        slug,
        TokenKind::Ephemeral,
        granted.token,
        &granted.expires_at,
    )?;
    if out.json {
        out.print_json(&json!({ "portal": slug, "kind": TokenKind::Ephemeral, "expires_at": granted.expires_at }))?;
    }
    eprintln!(
        "Stored an ephemeral token for `{slug}` until {}.",
        sanitize_line(&granted.expires_at)
    );
    Ok(0)
}

async fn add(session: &mut Session, out: Output, slug: &str) -> Outcome {
    let org = session.settings.org.clone();
    let token = read_token(&format!(
        "Long-lived token of portal `{slug}` (input hidden; from the portal's Security page): "
    ))?;
    let verified = verify(session, slug, &token).await?;
    session.store.set_portal_token(&org, slug, token)?;
    if out.json {
        out.print_json(&json!({ "portal": slug, "kind": TokenKind::Admin, "verified": verified }))?;
    }
    eprintln!(
        "Stored the long-lived token of `{slug}` ({}); `bkportals invoke {slug}` uses it.",
        session.store.describe()
    );
    Ok(0)
}

/// Asks the portal whether it takes `token` (nothing runs): an error when it
/// refuses it; `false`, with a warning, when this address may not call it.
pub(super) async fn verify(session: &Session, slug: &str, token: &Secret) -> Result<bool, Failure> {
    let check = session
        .portal_client()?
        .check_token(slug, token)
        .await
        .map_err(|e| match e {
            ApiError::Unauthorized { message, .. } => Failure(
                format!("portal `{slug}` refused this token ({message}): copy it again from the portal's Security page"),
                EXIT_FAILED,
            ),
            other => other.into(),
        })?;
    Ok(match check {
        TokenCheck::Accepted => true,
        TokenCheck::AddressRefused(message) => {
            warn(format!(
                "portal `{slug}` does not take calls from this address ({}), so the token could not be checked; stored anyway",
                sanitize_line(&message)
            ));
            false
        }
    })
}

fn list(session: &Session, out: Output) -> Outcome {
    let entries = session.store.entries();
    if out.json {
        out.print_json(&entries)?;
        return Ok(0);
    }
    if entries.is_empty() {
        eprintln!(
            "No portal tokens are stored, for any server ({}).",
            session.store.describe()
        );
        return Ok(0);
    }
    let width = entries
        .iter()
        .map(|e| e.portal.len())
        .max()
        .unwrap_or(6)
        .max(6);
    println!(
        "{:<16}  {:<width$}  {:<9}  EXPIRES",
        "ORGANIZATION", "PORTAL", "KIND"
    );
    for e in &entries {
        let kind = serde_json::to_value(e.kind)?
            .as_str()
            .unwrap_or("?")
            .to_owned();
        let expires = match (&e.expires_at, e.expired) {
            (None, _) => "never".to_owned(),
            (Some(at), true) => format!("{} (expired)", sanitize_line(at)),
            (Some(at), false) => sanitize_line(at),
        };
        // Buildkite's entries say nothing more; another server's say which.
        let server = e
            .server
            .as_deref()
            .map(|s| format!("  (for {})", sanitize_line(s)))
            .unwrap_or_default();
        println!(
            "{:<16}  {:<width$}  {kind:<9}  {expires}{server}",
            sanitize_line(&e.organization),
            sanitize_line(&e.portal)
        );
    }
    Ok(0)
}

fn forget(session: &mut Session, slug: &str) -> Outcome {
    let org = session.settings.org.clone();
    if session.store.forget_portal_token(&org, slug)? {
        eprintln!("Forgot the stored tokens of `{slug}`.");
        Ok(0)
    } else {
        eprintln!("No token was stored for `{slug}` in `{org}`.");
        Ok(EXIT_FAILED)
    }
}
