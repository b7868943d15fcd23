//! The execution `/v1` (`graphql_endpoint`) and the portal endpoint both
//! use, over Buildkite's whole published schema (`published_schema`).

use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::Engine;
use serde_json::json;

use super::Shared;

pub type SandboxSchema = async_graphql::dynamic::Schema;

/// The executable published schema. It holds no sandbox's data (requests
/// carry that), so one process builds it once, off the async threads: the
/// first sandbox starts that build, and requests wait for it.
static SCHEMA: tokio::sync::OnceCell<Result<SandboxSchema, String>> =
    tokio::sync::OnceCell::const_new();

pub async fn schema() -> &'static Result<SandboxSchema, String> {
    SCHEMA
        .get_or_init(|| async {
            tokio::task::spawn_blocking(crate::published_schema::build)
                .await
                .unwrap_or_else(|e| Err(format!("building the GraphQL schema stopped: {e}")))
        })
        .await
}

/// Who a request runs as (the token's user, or a portal's creator), and
/// whether it has admin-level permissions (portal and ephemeral tokens).
pub struct ViewerId(pub String);
pub struct AdminLevel(pub bool);

/// Runs `document` for a caller, as `/v1` and the portal endpoint both do.
pub async fn execute(
    shared: &Arc<Shared>,
    viewer: String,
    admin: bool,
    document: &str,
    operation: Option<&str>,
    variables: serde_json::Value,
) -> async_graphql::Response {
    let mut request = async_graphql::Request::new(document)
        .variables(async_graphql::Variables::from_json(variables))
        .data(shared.clone())
        .data(ViewerId(viewer))
        .data(AdminLevel(admin));
    if let Some(operation) = operation {
        request = request.operation_name(operation);
    }
    match schema().await {
        Ok(schema) => schema.execute(request).await,
        Err(problem) => {
            async_graphql::Response::from_errors(vec![async_graphql::ServerError::new(
                problem.clone(),
                None,
            )])
        }
    }
}

pub fn graphql_error(status: StatusCode, message: impl Into<String>) -> Response {
    (
        status,
        Json(json!({ "errors": [{ "message": message.into() }] })),
    )
        .into_response()
}

pub fn global_id(kind: &str, uuid: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("{kind}---{uuid}"))
}

pub(crate) fn decode_global_id(id: &str) -> Option<(String, String)> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(id.trim())
        .ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (kind, uuid) = text.trim_end().split_once("---")?;
    Some((kind.to_owned(), uuid.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::connection::paginate;

    #[test]
    fn pagination_follows_relay_rules() {
        let items: Vec<i32> = (0..10).collect();
        let (page, info) = paginate(items.clone(), Some(3), None, None, None).unwrap();
        assert_eq!(page.iter().map(|p| p.1).collect::<Vec<_>>(), [0, 1, 2]);
        assert!(info.has_next_page && !info.has_previous_page);
        let after = info.end_cursor.unwrap();
        let (page, _) = paginate(items.clone(), Some(3), None, Some(after), None).unwrap();
        assert_eq!(page.iter().map(|p| p.1).collect::<Vec<_>>(), [3, 4, 5]);
        let (page, info) = paginate(items, None, Some(2), None, None).unwrap();
        assert_eq!(page.iter().map(|p| p.1).collect::<Vec<_>>(), [8, 9]);
        assert!(info.has_previous_page && !info.has_next_page);
    }

    #[test]
    fn global_ids_round_trip() {
        let id = global_id("Pipeline", "abc");
        assert_eq!(
            decode_global_id(&id),
            Some(("Pipeline".into(), "abc".into()))
        );
    }
}
