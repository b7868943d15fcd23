//! Rate-limit headers and 429 answers as Buildkite words them, one place for
//! the REST API, portal endpoints and GraphQL (and `--faults 429=N`, which
//! imitates them).

use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use super::limits::Usage;

/// Which limit a counter is: it names the headers and the 429's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The organization's REST requests (`RateLimit-*`, scope `rest`).
    Rest,
    /// One user's REST requests (`RateLimit-User-*`, scope `rest_user`).
    RestUser,
    /// Portal requests (`RateLimit-*`, scope `portal`).
    Portal,
    /// The organization's GraphQL complexity points (`RateLimit-*`).
    Graphql,
    /// One user's GraphQL complexity points (`RateLimit-User-*`).
    GraphqlUser,
}

impl Scope {
    fn prefix(self) -> &'static str {
        match self {
            Scope::RestUser | Scope::GraphqlUser => "ratelimit-user-",
            _ => "ratelimit-",
        }
    }

    fn name(self) -> Option<&'static str> {
        match self {
            Scope::Rest => Some("rest"),
            Scope::RestUser => Some("rest_user"),
            Scope::Portal => Some("portal"),
            Scope::Graphql | Scope::GraphqlUser => None,
        }
    }
}

const REST_WARNING: &str = "You have exceeded your API rate limit.";

/// Sets `scope`'s headers in `headers` from `usage`.
pub fn set_headers(headers: &mut HeaderMap, scope: Scope, usage: &Usage) {
    let mut set = |suffix: &str, value: String| {
        let name = HeaderName::try_from(format!("{}{suffix}", scope.prefix()));
        if let (Ok(name), Ok(value)) = (name, HeaderValue::from_str(&value)) {
            headers.insert(name, value);
        }
    };
    if let Some(name) = scope.name() {
        set("scope", name.to_owned());
    }
    set("remaining", usage.remaining().to_string());
    set("limit", usage.limit.to_string());
    set("reset", usage.reset_secs.to_string());
    if usage.exceeded() && matches!(scope, Scope::Rest | Scope::RestUser) {
        set("warning", REST_WARNING.to_owned());
    }
}

/// The 429 of an exceeded `scope`, with its headers (`Remaining: 0`).
pub fn too_many(scope: Scope, usage: &Usage, mut headers: HeaderMap) -> Response {
    set_headers(&mut headers, scope, usage);
    (
        StatusCode::TOO_MANY_REQUESTS,
        headers,
        Json(limited_body(scope, usage)),
    )
        .into_response()
}

/// What a 429 of `scope` says.
pub fn limited_body(scope: Scope, usage: &Usage) -> serde_json::Value {
    let wait = usage.reset_secs;
    match scope {
        Scope::Rest | Scope::RestUser => json!({
            "message": format!("{REST_WARNING} Please wait {wait} seconds before making more requests."),
            "scope": scope.name(),
            "limit": usage.limit,
            "current": usage.current,
            "reset": wait,
        }),
        Scope::Portal => errors(format!(
            "You have exceeded your portal rate limit. Please wait {wait} seconds before making more requests."
        )),
        Scope::Graphql => errors(format!(
            "Your organization has exceeded the limit of {} complexity points. Please try again in {wait} seconds.",
            usage.limit
        )),
        Scope::GraphqlUser => errors(format!(
            "You have exceeded your per-user limit of {} complexity points. Please try again in {wait} seconds.",
            usage.limit
        )),
    }
}

fn errors(message: String) -> serde_json::Value {
    json!({ "errors": [{ "message": message }] })
}

/// Which limit a path's requests count against: what `--faults 429=N` imitates.
pub fn scope_of_path(path: &str) -> Scope {
    if path == "/v1" {
        Scope::Graphql
    } else if path.starts_with("/organizations/") {
        Scope::Portal
    } else {
        Scope::Rest
    }
}

/// Counts a request against the organization's portal limit ("all portal
/// API endpoints"): its headers, or the 429 when the limit is spent.
#[allow(clippy::result_large_err)]
pub fn count_portal_request(shared: &super::Shared, org: &str) -> Result<HeaderMap, Response> {
    let usage = shared.limits().portal.hit(org, std::time::Instant::now());
    let mut headers = HeaderMap::new();
    if usage.exceeded() {
        return Err(too_many(Scope::Portal, &usage, headers));
    }
    set_headers(&mut headers, Scope::Portal, &usage);
    Ok(headers)
}
