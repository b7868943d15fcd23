//! `POST /v1`: Buildkite's GraphQL endpoint, `{query, variables, operationName}`
//! with an API token that has GraphQL access. `variables` may be an object
//! or, as the docs' curl example sends it, a JSON string.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::document_run::{run, Runner};
use super::graphql::graphql_error;
use super::rest::bearer;
use super::Shared;

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Body {
    query: String,
    #[serde(default)]
    variables: Option<Value>,
    #[serde(default)]
    operation_name: Option<String>,
}

/// The variables of a request: an object, a string holding one, or nothing.
fn variables(given: Option<Value>) -> Result<serde_json::Map<String, Value>, String> {
    match given {
        None | Some(Value::Null) => Ok(serde_json::Map::new()),
        Some(Value::Object(map)) => Ok(map),
        Some(Value::String(text)) if text.trim().is_empty() => Ok(serde_json::Map::new()),
        Some(Value::String(text)) => match serde_json::from_str::<Value>(&text) {
            Ok(Value::Object(map)) => Ok(map),
            Ok(Value::Null) => Ok(serde_json::Map::new()),
            _ => Err("`variables` is a string that does not hold a JSON object".into()),
        },
        Some(_) => Err("`variables` must be a JSON object (or a string holding one)".into()),
    }
}

pub async fn endpoint(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let token = {
        let world = shared.world();
        bearer(&headers).and_then(|t| world.token(t)).cloned()
    };
    let Some(token) = token else {
        return graphql_error(
            StatusCode::UNAUTHORIZED,
            "Authentication required. Please supply a valid API Access Token",
        );
    };
    if !token.scopes.iter().any(|s| s == "graphql") {
        return graphql_error(
            StatusCode::FORBIDDEN,
            "This API Access Token does not have GraphQL access enabled",
        );
    }
    let Ok(request) = serde_json::from_slice::<Body>(&body) else {
        return graphql_error(
            StatusCode::BAD_REQUEST,
            "The body must be JSON with a `query` string, and optional `variables` and `operationName`",
        );
    };
    let variables = match variables(request.variables) {
        Ok(variables) => variables,
        Err(reason) => return graphql_error(StatusCode::BAD_REQUEST, reason),
    };
    let runner = Runner {
        viewer: token.user.clone(),
        admin: false,
        include_stats: Runner::wants_stats(&headers),
        budget_headers: true,
    };
    run(
        &shared,
        runner,
        &request.query,
        request.operation_name.as_deref(),
        variables,
    )
    .await
    .into_response()
}
