//! What every answer of the sandbox follows, whichever handler made it:
//! errors have JSON bodies (a wrong method's 405, an oversized body's 413),
//! REST answers carry the CORS headers the REST overview lists, and bodies
//! may be as large as a big portal document needs.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// Request bodies up to this size are read; Buildkite documents no limit,
/// and the app edits documents over 1 MB.
pub const BODY_LIMIT_BYTES: usize = 32 << 20;

/// REST paths answer `{"message"}`; portal and GraphQL paths `{"errors": [...]}`.
fn is_rest(path: &str) -> bool {
    path == "/" || path.starts_with("/v2/") || path == "/v2"
}

fn is_json_or_html(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json") || v.starts_with("text/html"))
}

fn explanation(status: StatusCode) -> String {
    match status {
        StatusCode::METHOD_NOT_ALLOWED => "Method Not Allowed".to_owned(),
        StatusCode::PAYLOAD_TOO_LARGE => {
            format!("The request body is over {} MB", BODY_LIMIT_BYTES >> 20)
        }
        other => other
            .canonical_reason()
            .unwrap_or("The request could not be handled")
            .to_owned(),
    }
}

pub async fn apply(request: Request, next: Next) -> Response {
    let rest = is_rest(request.uri().path());
    let mut response = next.run(request).await;
    if response.status().is_client_error() && !is_json_or_html(&response) {
        let (mut parts, _) = response.into_parts();
        let text = explanation(parts.status);
        let body = if rest {
            json!({ "message": text })
        } else {
            json!({ "errors": [{ "message": text }] })
        };
        parts.headers.remove(header::CONTENT_LENGTH);
        parts.headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        response = Response::from_parts(parts, Body::from(body.to_string()));
    }
    if rest {
        let headers = response.headers_mut();
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        );
        headers.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static("Link"),
        );
    }
    response.into_response()
}
