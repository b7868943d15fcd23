//! Short-lived portal tokens, as Buildkite documents them: the user-invoked
//! (device code) flow (its approval page: `approval`), and ephemeral tokens from a
//! portal secret.

use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use super::graphql::graphql_error;
use super::rate_answers::count_portal_request;
use super::state::{random_hex, DeviceCode, PortalRecord, ShortToken};
use super::Shared;

/// Codes live five minutes; user tokens twelve hours by default; ephemeral
/// tokens at most an hour.
const CODE_MINUTES: u32 = 5;
const USER_TOKEN_MINUTES: u32 = 12 * 60;
const EPHEMERAL_TOKEN_MINUTES: u32 = 60;

fn oauth_error(status: StatusCode, error: &str, description: impl Into<String>) -> Response {
    (
        status,
        Json(json!({ "error": error, "error_description": description.into() })),
    )
        .into_response()
}

/// When `minutes` from now will be, as the sandbox's clock runs (a sandbox
/// for tests may run minutes faster).
fn later(shared: &Shared, minutes: u32) -> (Instant, String) {
    let span = shared.minute * minutes;
    let wall = chrono::Utc::now()
        + chrono::Duration::from_std(span).unwrap_or_else(|_| chrono::Duration::zero());
    (
        Instant::now() + span,
        wall.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    )
}

/// `POST /organizations/{org}/portals/{slug}/codes`, counted as a portal request.
pub async fn create_code(
    State(shared): State<Arc<Shared>>,
    Path((org, slug)): Path<(String, String)>,
) -> Response {
    match count_portal_request(&shared, &org) {
        Ok(rate) => (rate, code_answer(&shared, &org, &slug)).into_response(),
        Err(limited) => limited,
    }
}

fn code_answer(shared: &Shared, org: &str, slug: &str) -> Response {
    let mut world = shared.world();
    if world.organization.slug != org {
        return graphql_error(StatusCode::NOT_FOUND, "No organization found");
    }
    let Some(portal) = world.portal(slug).cloned() else {
        return graphql_error(StatusCode::NOT_FOUND, "Portal not found");
    };
    if !portal.user_invokable {
        return graphql_error(
            StatusCode::FORBIDDEN,
            "This portal is not user-invokable: an administrator can turn on user_invokable",
        );
    }
    let code = random_hex(4).to_uppercase();
    let secret = format!("bkpcs_{}", random_hex(16));
    let (expires, expires_at) = later(shared, CODE_MINUTES);
    world.codes.retain(|c| c.expires > Instant::now());
    world.codes.push(DeviceCode {
        code: code.clone(),
        secret: secret.clone(),
        portal_uuid: portal.uuid,
        expires,
        approved_by: None,
        denied: false,
        used: false,
    });
    Json(json!({
        "code": code,
        "secret": secret,
        "authorization_url": format!("{}/authorize/{code}", shared.base_url),
        "expires_at": expires_at,
    }))
    .into_response()
}

/// `POST /organizations/{org}/portals/{slug}/tokens`, counted as a portal request.
pub async fn create_token(
    State(shared): State<Arc<Shared>>,
    Path((org, slug)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    match count_portal_request(&shared, &org) {
        Ok(rate) => (rate, token_answer(&shared, &org, &slug, &body)).into_response(),
        Err(limited) => limited,
    }
}

fn token_answer(shared: &Shared, org: &str, slug: &str, body: &[u8]) -> Response {
    let Ok(request) = serde_json::from_slice::<serde_json::Value>(body) else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "The body must be JSON",
        );
    };
    let text = |name: &str| request.get(name).and_then(|v| v.as_str()).unwrap_or("");
    let expires_in = match request.get("expires_in") {
        None | Some(serde_json::Value::Null) => None,
        Some(v) => match v.as_u64().filter(|m| *m >= 1) {
            Some(m) => Some(m.min(u64::from(u32::MAX)) as u32),
            None => {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    "expires_in must be a whole number of minutes, 1 or more",
                )
            }
        },
    };
    let mut world = shared.world();
    if world.organization.slug != org {
        return graphql_error(StatusCode::NOT_FOUND, "No organization found");
    }
    let Some(portal) = world.portal(slug).cloned() else {
        return graphql_error(StatusCode::NOT_FOUND, "Portal not found");
    };
    let now = Instant::now();
    let (user, minutes) = match text("grant_type") {
        "device_code" => {
            match redeem_code(&mut world, &portal.uuid, text("code"), text("secret"), now) {
                Ok(user) => (
                    Some(user),
                    expires_in
                        .unwrap_or(USER_TOKEN_MINUTES)
                        .min(USER_TOKEN_MINUTES),
                ),
                Err((error, description)) => {
                    return oauth_error(StatusCode::BAD_REQUEST, error, description)
                }
            }
        }
        "client_credentials" => {
            if text("client_id") != portal.uuid {
                return oauth_error(
                    StatusCode::UNAUTHORIZED,
                    "invalid_client",
                    "client_id must be the portal's UUID",
                );
            }
            if !portal.secrets.iter().any(|s| s.value == text("secret")) {
                return oauth_error(
                    StatusCode::UNAUTHORIZED,
                    "invalid_client",
                    "The portal secret is not valid",
                );
            }
            (
                None,
                expires_in
                    .unwrap_or(EPHEMERAL_TOKEN_MINUTES)
                    .min(EPHEMERAL_TOKEN_MINUTES),
            )
        }
        _ => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "grant_type must be device_code or client_credentials",
            )
        }
    };
    let token = format!("bkpat_{}", random_hex(20));
    let (expires, expires_at) = later(shared, minutes);
    world.short_tokens.retain(|t| t.expires > now);
    world.short_tokens.push(ShortToken {
        token: token.clone(),
        portal_uuid: portal.uuid,
        user,
        expires,
    });
    Json(json!({ "token": token, "expires_at": expires_at })).into_response()
}

/// A device code exchanged for a token: the user who approved it, or the
/// OAuth error and description that say why not (unknown, wrong secret,
/// used, expired, denied, still pending), all answered with a 400.
fn redeem_code(
    world: &mut crate::World,
    portal_uuid: &str,
    code_text: &str,
    secret: &str,
    now: Instant,
) -> Result<String, (&'static str, &'static str)> {
    let Some(code) = world
        .codes
        .iter_mut()
        .find(|c| c.code == code_text && c.portal_uuid == portal_uuid)
    else {
        return Err(("invalid_grant", "Unknown code"));
    };
    if code.secret != secret {
        return Err(("invalid_grant", "The secret does not match the code"));
    }
    if code.used {
        return Err((
            "invalid_grant",
            "This code has already been used for a token",
        ));
    }
    if code.expires <= now {
        return Err(("expired_token", "The code has expired: request a new one"));
    }
    if code.denied {
        return Err(("access_denied", "The request was denied"));
    }
    let Some(user) = code.approved_by.clone() else {
        return Err(("authorization_pending", "Waiting for the user to approve"));
    };
    code.used = true;
    Ok(user)
}

/// Who a portal call runs as, from its bearer token.
pub enum Caller {
    /// One of the portal's long-lived tokens or an ephemeral one: admin-level.
    Admin,
    User(String),
    Expired,
    Unknown,
}

pub fn caller(shared: &Shared, portal: &PortalRecord, token: Option<&str>) -> Caller {
    let Some(token) = token else {
        return Caller::Unknown;
    };
    if portal.tokens.iter().any(|t| t.value == token) {
        return Caller::Admin;
    }
    let portal_uuid = &portal.uuid;
    let world = shared.world();
    match world
        .short_tokens
        .iter()
        .find(|t| t.token == token && &t.portal_uuid == portal_uuid)
    {
        Some(t) if t.expires <= Instant::now() => Caller::Expired,
        Some(t) => match &t.user {
            Some(user) => Caller::User(user.clone()),
            None => Caller::Admin,
        },
        None => Caller::Unknown,
    }
}
