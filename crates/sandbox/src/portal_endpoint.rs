//! `POST /organizations/{org}/portals/{slug}[?operation_name=]`: runs a portal's
//! document with the JSON body as its variables, authorized by the portal token.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use super::document_run::{run, Runner};
use super::graphql::graphql_error;
use super::portal_tokens::{caller, Caller};
use super::rate_answers::count_portal_request;
use super::rest::bearer;
use super::Shared;

pub async fn invoke(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path((org, slug)): Path<(String, String)>,
    Query(params): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let portal = {
        let world = shared.world();
        if world.organization.slug != org {
            return graphql_error(StatusCode::NOT_FOUND, "No organization found");
        }
        match world.portal(&slug) {
            Some(portal) => portal.clone(),
            None => return graphql_error(StatusCode::NOT_FOUND, "Portal not found"),
        }
    };
    let caller = caller(&shared, &portal, bearer(&headers));
    let (viewer, admin) = match caller {
        Caller::Admin => (portal.created_by.clone(), true),
        Caller::User(user) => (user, false),
        Caller::Expired => {
            return graphql_error(
                StatusCode::UNAUTHORIZED,
                "This portal token has expired: get a new one",
            )
        }
        Caller::Unknown => {
            return graphql_error(
                StatusCode::UNAUTHORIZED,
                "Invalid or missing portal token: send `Authorization: Bearer <portal token>`",
            )
        }
    };

    let rate = match count_portal_request(&shared, &org) {
        Ok(rate) => rate,
        Err(limited) => return limited,
    };
    let reply = |response: Response| (rate.clone(), response).into_response();

    if let Some(refusal) = refused_address(&portal, peer) {
        return reply(refusal);
    }

    let variables = if body.iter().all(u8::is_ascii_whitespace) {
        serde_json::Map::new()
    } else {
        match serde_json::from_slice::<serde_json::Value>(&body) {
            Ok(serde_json::Value::Object(map)) => map,
            _ => {
                return reply(graphql_error(
                    StatusCode::BAD_REQUEST,
                    "The request body must be a JSON object of variables, e.g. {\"pipelineSlug\": \"acme/app\"}",
                ))
            }
        }
    };

    let operation = params.get("operation_name").filter(|o| !o.is_empty());
    if let Some(refusal) = refused_operation(&portal.query, operation) {
        return reply(refusal);
    }

    let runner = Runner {
        viewer,
        admin,
        include_stats: Runner::wants_stats(&headers),
        budget_headers: false,
    };
    let answer = run(
        &shared,
        runner,
        &portal.query,
        operation.map(String::as_str),
        variables,
    )
    .await;
    reply(answer.into_response())
}

/// The 400 for a missing or unknown `operation_name`.
fn refused_operation(document: &str, operation: Option<&String>) -> Option<Response> {
    let names = operation_names(document);
    match operation {
        None if names.len() > 1 => {
            Some(graphql_error(
                StatusCode::BAD_REQUEST,
                format!(
                    "This portal's document defines {} operations ({}); choose one with ?operation_name=",
                    names.len(),
                    names.join(", ")
                ),
            ))
        }
        Some(op) if !names.contains(op) => {
            Some(graphql_error(
                StatusCode::BAD_REQUEST,
                format!(
                    "Unknown operation `{op}`; this portal defines: {}",
                    names.join(", ")
                ),
            ))
        }
        _ => None,
    }
}

/// The 403 for a caller outside the portal's allowed IP addresses.
fn refused_address(portal: &crate::state::PortalRecord, peer: SocketAddr) -> Option<Response> {
    let allowed = portal.allowed_ip_addresses.as_ref()?;
    let caller = peer.ip().to_canonical();
    let permitted = allowed.split_whitespace().any(|entry| {
        entry
            .parse::<ipnet::IpNet>()
            .map(|net| net.contains(&caller))
            .or_else(|_| entry.parse::<std::net::IpAddr>().map(|ip| ip == caller))
            .unwrap_or(false)
    });
    (!permitted).then(|| {
        graphql_error(
            StatusCode::FORBIDDEN,
            format!("Requests from {caller} are not allowed by this portal's allowed IP addresses"),
        )
    })
}

/// The names of the document's operations (`<anonymous>` for an unnamed one).
fn operation_names(document: &str) -> Vec<String> {
    use async_graphql::parser::types::DocumentOperations;
    let mut names: Vec<String> = match async_graphql::parser::parse_query(document) {
        Ok(doc) => match doc.operations {
            DocumentOperations::Single(_) => vec!["<anonymous>".to_owned()],
            DocumentOperations::Multiple(ops) => ops.keys().map(|k| k.to_string()).collect(),
        },
        Err(_) => Vec::new(),
    };
    names.sort();
    names
}
