//! `rotate SLUG`: a guided rotation of a portal's long-lived token through
//! its Security page (no API makes one): take the new token, check it with
//! the portal, store it, say which callers to update, and only then say to
//! remove the old one. `rotate --recreate` is the API-only way for a
//! compromised portal: a copy is created, the old one deleted, the copy
//! renamed back, after a plan that says what that costs.

use std::io::{IsTerminal, Write};

use serde_json::json;

use super::prompt::read_token;
use super::push::stopped_message;
use super::session::Session;
use super::{token, warn, Failure, Outcome, Output, EXIT_FAILED, EXIT_USAGE};
use crate::buildkite::{ApiError, NewPortal, Portal, PortalChanges};
use crate::text::sanitize_line;

/// The Security page of a portal in Buildkite's web app (the sandbox's for
/// a sandbox: it serves the same path).
fn security_page(session: &Session, slug: &str) -> String {
    let portal = &session.settings.portal_endpoint;
    let mut url = if portal.host_str() == Some("portal.buildkite.com") {
        url::Url::parse("https://buildkite.com/").unwrap_or_else(|_| portal.clone())
    } else {
        portal.clone()
    };
    if let Ok(mut segments) = url.path_segments_mut() {
        segments.pop_if_empty().extend([
            "organizations",
            session.org(),
            "portals",
            slug,
            "security",
        ]);
    }
    url.to_string()
}

/// `bkportals rotate SLUG`
pub(super) async fn rotate(session: &mut Session, out: Output, slug: &str) -> Outcome {
    let portal = session.rest()?.get(slug).await?;
    let page = sanitize_line(&security_page(session, slug));
    let mut step = Steps::default();
    eprintln!(
        "Rotating the long-lived token of `{}`.\n\
         {} On the portal's Security page press \"New token\" and copy it:\n\n  {page}\n",
        sanitize_line(slug),
        step.next()
    );
    let at_terminal = std::io::stdin().is_terminal();
    if at_terminal && crate::desktop::open_in_browser(&page) {
        eprintln!("(opened in your browser)");
    }
    // The prompt is shown (and numbered) only at a terminal; piped, the
    // token is read without one.
    let prompt = if at_terminal {
        format!("{} Paste the new token (input hidden): ", step.next())
    } else {
        String::new()
    };
    let new_token = read_token(&prompt)?;
    let verified = token::verify(session, slug, &new_token).await?;
    let org = session.org().to_owned();
    session.store.set_portal_token(&org, slug, new_token)?;
    let endpoint = session.portal_client()?.portal_url(slug, None).to_string();
    if out.json {
        out.print_json(&json!({
            "portal": slug,
            "verified": verified,
            "stored": true,
            "security_page": page,
        }))?;
    }
    eprintln!(
        "{} The new token {} and is {}.\n{}",
        step.next(),
        if verified {
            "works (the portal took it)"
        } else {
            "could not be checked from here"
        },
        session.store.describe(),
        callers(step.next(), &portal, &endpoint)
    );
    eprintln!(
        "{} Only when every caller above uses the new token, remove the old one on the Security page:\n  {page}",
        step.next()
    );
    Ok(0)
}

/// Numbers the steps as they are shown ("1.", "2.", ...), so one left out
/// leaves no gap.
#[derive(Default)]
struct Steps(usize);

impl Steps {
    fn next(&mut self) -> String {
        self.0 += 1;
        format!("{}.", self.0)
    }
}

/// Who holds the old token and must get the new one, and who is not affected.
fn callers(step: String, portal: &Portal, endpoint: &str) -> String {
    let mut said = format!(
        "{step} Update every caller that sends the old long-lived token to\n  {}\n  \
         (CI secrets, scripts, services: bkportals cannot see them; this machine's token store is done).",
        sanitize_line(endpoint)
    );
    if portal.user_invokable {
        said.push_str("\n  Callers signed in as themselves (user tokens) are not affected.");
    }
    said.push_str("\n  Callers with ephemeral tokens from the portal's secrets are not affected.");
    said
}

/// `bkportals rotate SLUG --recreate [--yes]`
pub(super) async fn recreate(session: &mut Session, out: Output, slug: &str, yes: bool) -> Outcome {
    let rest = session.rest()?;
    let old = rest.get(slug).await?;
    let copy = free_slug(&rest, slug).await?;
    let slug_shown = sanitize_line(slug);
    eprintln!(
        "Recreating `{slug_shown}` gives it a new token without the Security page, at a cost:\n\
         - a new UUID (the current one, {}, goes): anything that names the portal by UUID must change;\n\
         - its portal secrets are gone, and every caller using ephemeral tokens made from them breaks;\n\
         - every caller of the long-lived token must get the new one;\n\
         - for a moment (between the delete and the rename) its URL answers 404;\n\
         - a portals directory that manages it sees a new portal: run `bkportals pull DIR` after.\n\
         Steps: create a copy as `{copy}`, delete `{slug_shown}`, rename the copy to `{slug_shown}`, store its token.",
        sanitize_line(&old.uuid)
    );
    if !yes {
        confirm(slug)?;
    }
    let org = session.org().to_owned();
    let steps = [
        format!("create the copy {copy}"),
        format!("delete {slug_shown}"),
        format!("rename {copy} -> {slug_shown}"),
    ];
    let stop = |index: usize, error: ApiError, next: &str| {
        Failure(
            stopped_message(
                "recreate",
                &steps[..index],
                &steps[index],
                &error,
                &steps[index + 1..],
                next,
            ),
            EXIT_FAILED,
        )
    };
    let created = rest.create(&copy_of(&old, &copy)).await.map_err(|e| {
        stop(0, e, &format!("`{slug_shown}` is as it was; `bkportals list` shows whether a copy `{copy}` exists."))
    })?;
    // Kept at once: Buildkite never shows it again.
    if let Err(e) = session.store.set_portal_token(&org, &copy, created.token) {
        warn(format!(
            "the new token was not stored ({e}); make one on its Security page"
        ));
    }
    rest.delete(slug).await.map_err(|e| {
        stop(1, e, &format!("Delete `{slug_shown}` yourself and rename the copy (`bkportals update {copy} --new-slug {slug_shown}`), or delete the copy."))
    })?;
    let _ = session.store.forget_portal_token(&org, slug);
    let renamed = rest
        .update(&copy, &PortalChanges { slug: Some(slug.to_owned()), ..Default::default() })
        .await
        .map_err(|e| {
            stop(2, e, &format!("The new portal answers at `{copy}`; rename it: bkportals update {copy} --new-slug {slug_shown}"))
        })?;
    if let Err(e) = session.store.rename_portal(&org, &copy, slug) {
        warn(format!(
            "the stored token was not moved from {copy} to {slug_shown}: {e}"
        ));
    }
    if out.json {
        out.print_json(&json!({ "portal": renamed, "old_uuid": old.uuid }))?;
    }
    eprintln!(
        "Recreated `{slug_shown}`: new UUID {}, its token is {}. Give it to every caller; make new secrets on its Security page if callers used them.",
        sanitize_line(&renamed.uuid),
        session.store.describe()
    );
    Ok(0)
}

fn copy_of(old: &Portal, copy: &str) -> NewPortal {
    NewPortal {
        name: old.name.clone(),
        query: old.query.clone(),
        slug: Some(copy.to_owned()),
        description: old.description.clone(),
        allowed_ip_addresses: old.allowed_ip_addresses.clone(),
        user_invokable: old.user_invokable,
    }
}

/// A slug for the copy that no portal has.
async fn free_slug(rest: &crate::buildkite::RestClient, slug: &str) -> Result<String, Failure> {
    for n in 1..=9 {
        let candidate = if n == 1 {
            format!("{slug}-rotating")
        } else {
            format!("{slug}-rotating-{n}")
        };
        match rest.get(&candidate).await {
            Err(ApiError::NotFound { .. }) => return Ok(candidate),
            Ok(_) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(Failure(
        format!("no free slug for the copy of `{slug}` (tried {slug}-rotating ... -9)"),
        EXIT_FAILED,
    ))
}

fn confirm(slug: &str) -> Result<(), Failure> {
    if !std::io::stdin().is_terminal() {
        return Err(Failure(
            format!("not recreating `{slug}` without confirmation: pass --yes"),
            EXIT_USAGE,
        ));
    }
    eprint!("Type the slug to recreate it: ");
    std::io::stderr().flush()?;
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    if answer.trim() != slug {
        return Err(Failure("nothing was changed.".into(), EXIT_FAILED));
    }
    Ok(())
}
