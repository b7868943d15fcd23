//! The portal's Security page, as endpoints for the sandbox's administrator:
//! list, make and remove long-lived tokens and secrets. Buildkite documents
//! no API for these (they are made in its web UI), so the paths are the
//! sandbox's own; they need the API token of an organization administrator.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use super::credentials::{Credential, Kind, Refusal};
use super::rest::{bearer, message, AUTHENTICATION_REQUIRED};
use super::Shared;

/// A token or secret just made: its value is shown this once.
#[derive(Clone)]
pub struct NewCredential {
    pub id: String,
    pub value: String,
}

impl std::fmt::Debug for NewCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewCredential")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

/// Makes a token or secret for portal `slug`, and keeps it (`--state`).
pub(crate) fn add(shared: &Shared, slug: &str, kind: Kind) -> Result<Credential, Refusal> {
    let mut world = shared.world();
    let credential = world.add_credential(slug, kind)?;
    shared.persist(&world);
    tracing::info!("new {} {} for portal {slug}", kind.noun(), credential.id);
    Ok(credential)
}

/// Removes the token or secret of portal `slug` named by id or value prefix.
pub(crate) fn remove(
    shared: &Shared,
    slug: &str,
    kind: Kind,
    name: &str,
) -> Result<Credential, Refusal> {
    let mut world = shared.world();
    let removed = world.remove_credential(slug, kind, name)?;
    shared.persist(&world);
    tracing::info!("removed {} {} of portal {slug}", kind.noun(), removed.id);
    Ok(removed)
}

fn refusal(refused: Refusal) -> Response {
    let status = StatusCode::from_u16(refused.status()).unwrap_or(StatusCode::BAD_REQUEST);
    message(status, refused.to_string())
}

/// The organization must be the sandbox's and the caller one of its administrators.
#[allow(clippy::result_large_err)]
fn administrator(shared: &Shared, headers: &HeaderMap, org: &str) -> Result<(), Response> {
    let world = shared.world();
    let token = bearer(headers)
        .and_then(|t| world.token(t))
        .ok_or_else(|| message(StatusCode::UNAUTHORIZED, AUTHENTICATION_REQUIRED))?;
    if world.organization.slug != org {
        return Err(message(StatusCode::NOT_FOUND, "No organization found"));
    }
    let admin = world.user(&token.user).is_some_and(|u| u.role == "admin");
    if admin {
        Ok(())
    } else {
        Err(message(
            StatusCode::FORBIDDEN,
            "Only organization administrators can manage a portal's tokens and secrets",
        ))
    }
}

fn kind_of(list: &str) -> Option<Kind> {
    match list {
        "tokens" => Some(Kind::Token),
        "secrets" => Some(Kind::Secret),
        _ => None,
    }
}

/// `GET /organizations/{org}/portals/{slug}/security`: ids and previews, never values.
pub async fn show(
    State(shared): State<Arc<Shared>>,
    Path((org, slug)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Err(refused) = administrator(&shared, &headers, &org) {
        return refused;
    }
    match shared.world().security_summary(&slug) {
        Ok(summary) => Json(summary).into_response(),
        Err(refused) => refusal(refused),
    }
}

/// `POST /organizations/{org}/portals/{slug}/security/{tokens|secrets}`
pub async fn create(
    State(shared): State<Arc<Shared>>,
    Path((org, slug, list)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Err(refused) = administrator(&shared, &headers, &org) {
        return refused;
    }
    let Some(kind) = kind_of(&list) else {
        return super::rest::not_found().await;
    };
    match add(&shared, &slug, kind) {
        Ok(made) => (
            StatusCode::CREATED,
            Json(json!({
                "id": made.id,
                "value": made.value,
                "created_at": made.created_at,
            })),
        )
            .into_response(),
        Err(refused) => refusal(refused),
    }
}

/// `DELETE /organizations/{org}/portals/{slug}/security/{tokens|secrets}/{id or prefix}`
pub async fn delete(
    State(shared): State<Arc<Shared>>,
    Path((org, slug, list, name)): Path<(String, String, String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Err(refused) = administrator(&shared, &headers, &org) {
        return refused;
    }
    let Some(kind) = kind_of(&list) else {
        return super::rest::not_found().await;
    };
    match remove(&shared, &slug, kind, &name) {
        Ok(removed) => Json(json!({ "removed": removed.summary() })).into_response(),
        Err(refused) => refusal(refused),
    }
}
