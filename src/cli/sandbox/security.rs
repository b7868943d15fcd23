//! `sandbox security/new-token/secret/remove-token/remove-secret`: a portal's
//! Security page on a running sandbox, from a shell, so token and secret
//! rotation can be rehearsed.

use serde_json::Value;

use super::super::{Failure, Outcome, Output, SandboxAction, EXIT_FAILED, EXIT_USAGE};
use super::sandbox_url;
use crate::secrets::Secret;
use crate::text::sanitize_line;

/// What one Security page command asks of the sandbox.
struct Request<'a> {
    method: reqwest::Method,
    slug: &'a str,
    /// `tokens` or `secrets`, and the id or prefix to remove.
    path: Vec<&'a str>,
}

/// Runs a Security page action; `None` when `action` is not one.
pub(super) async fn run(action: &SandboxAction, org: Option<&str>, out: Output) -> Option<Outcome> {
    let (request, target) = match action {
        SandboxAction::Security { slug, target } => (
            Request {
                method: reqwest::Method::GET,
                slug,
                path: vec![],
            },
            target,
        ),
        SandboxAction::NewToken { slug, target } => (made(slug, "tokens"), target),
        SandboxAction::Secret { slug, target } => (made(slug, "secrets"), target),
        SandboxAction::RemoveToken {
            slug,
            token,
            target,
        } => (removed(slug, "tokens", token), target),
        SandboxAction::RemoveSecret {
            slug,
            secret,
            target,
        } => (removed(slug, "secrets", secret), target),
        SandboxAction::Approve { .. } => return None,
    };
    Some(send(&request, target.sandbox.as_deref(), org, out).await)
}

fn made<'a>(slug: &'a str, list: &'a str) -> Request<'a> {
    Request {
        method: reqwest::Method::POST,
        slug,
        path: vec![list],
    }
}

fn removed<'a>(slug: &'a str, list: &'a str, name: &'a str) -> Request<'a> {
    Request {
        method: reqwest::Method::DELETE,
        slug,
        path: vec![list, name],
    }
}

fn organization(org: Option<&str>) -> Result<String, Failure> {
    org.map(str::to_owned)
        .or_else(|| std::env::var("BUILDKITE_ORGANIZATION_SLUG").ok())
        .filter(|o| !o.trim().is_empty())
        .ok_or_else(|| {
            Failure(
                "which organization? pass --org SLUG or set BUILDKITE_ORGANIZATION_SLUG (the sandbox prints it)".into(),
                EXIT_USAGE,
            )
        })
}

fn administrator_token() -> Result<Secret, Failure> {
    std::env::var("BUILDKITE_API_TOKEN")
        .ok()
        .map(Secret::new)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            Failure(
                "set BUILDKITE_API_TOKEN to an administrator's API token (the sandbox prints its demo token)".into(),
                EXIT_USAGE,
            )
        })
}

async fn send(
    request: &Request<'_>,
    sandbox: Option<&str>,
    org: Option<&str>,
    out: Output,
) -> Outcome {
    let org = organization(org)?;
    let token = administrator_token()?;
    let mut url = sandbox_url(sandbox)?;
    if let Ok(mut segments) = url.path_segments_mut() {
        segments
            .pop_if_empty()
            .extend(["organizations", &org, "portals", request.slug, "security"])
            .extend(&request.path);
    }
    let response = reqwest::Client::new()
        .request(request.method.clone(), url)
        .bearer_auth(token.expose())
        .send()
        .await?;
    let status = response.status();
    let body: Value = response.json().await.map_err(|e| {
        Failure(
            format!("the sandbox's answer ({status}) is not JSON: {e}"),
            EXIT_FAILED,
        )
    })?;
    if !status.is_success() {
        let said = body["message"].as_str().unwrap_or("no message");
        return Err(Failure(
            format!("the sandbox refused ({status}): {}", sanitize_line(said)),
            EXIT_FAILED,
        ));
    }
    if out.json {
        out.print_json(&body)?;
        return Ok(0);
    }
    let text = |v: &Value| sanitize_line(v.as_str().unwrap_or(""));
    let slug = sanitize_line(request.slug);
    match (&request.method, request.path.first()) {
        (&reqwest::Method::GET, _) => print_summary(&body, &slug),
        (&reqwest::Method::POST, Some(list)) => {
            let noun = if *list == "tokens" {
                "long-lived token"
            } else {
                "secret"
            };
            eprintln!(
                "New {noun} for `{slug}` (id {}). It is shown only now: store it.",
                text(&body["id"])
            );
            println!("{}", text(&body["value"]));
        }
        _ => eprintln!(
            "Removed {} ({}) from `{slug}`.",
            text(&body["removed"]["id"]),
            text(&body["removed"]["preview"])
        ),
    }
    Ok(0)
}

fn print_summary(body: &Value, slug: &str) {
    let rows = |list: &Value| -> Vec<String> {
        list.as_array()
            .into_iter()
            .flatten()
            .map(|c| {
                format!(
                    "  {}  {}  {}",
                    sanitize_line(c["id"].as_str().unwrap_or("")),
                    sanitize_line(c["preview"].as_str().unwrap_or("")),
                    sanitize_line(c["created_at"].as_str().unwrap_or("(seeded)"))
                )
            })
            .collect()
    };
    let tokens = rows(&body["tokens"]);
    let secrets = rows(&body["secrets"]);
    println!("Long-lived tokens of `{slug}`: {}", tokens.len());
    for row in tokens {
        println!("{row}");
    }
    println!(
        "Secrets: {} of at most {}",
        secrets.len(),
        body["max_secrets"].as_u64().unwrap_or(2)
    );
    for row in secrets {
        println!("{row}");
    }
}
