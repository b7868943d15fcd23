//! Buildkite's GraphQL API (`/v1`): only what bkportals needs, the schema.

use reqwest::Method;
use url::Url;

use super::error::{ApiError, ErrorContext, API_TOKEN_HINT};
use super::http::{check_endpoint, decode, other_server, token_settings, ClientOptions, Http};
use crate::graphql::introspection;
use crate::secrets::Secret;

/// Asks the endpoint for its schema by introspection and returns it as SDL.
pub async fn fetch_schema_sdl(
    endpoint: &Url,
    token: &Secret,
    options: ClientOptions,
) -> Result<String, ApiError> {
    check_endpoint(endpoint)?;
    let http = Http::new(options);
    let request = http
        .request(Method::POST, endpoint.clone(), token)
        .json(&serde_json::json!({ "query": introspection::QUERY }));
    // Introspection changes nothing: a lost answer is just a network failure.
    let answer = http.fetch(request).await.map_err(|e| match e {
        ApiError::OutcomeUnknown { host, cause, .. } => ApiError::Network {
            host,
            message: cause,
        },
        other => other,
    })?;
    let context = ErrorContext {
        scope: None,
        what: format!("the GraphQL endpoint {endpoint}"),
        unauthorized_hint: API_TOKEN_HINT,
        server: other_server(endpoint),
    };
    let (_, body) = http.success(answer, &context).map_err(|e| match e {
        ApiError::Forbidden {
            message, server, ..
        } => ApiError::Refused(format!(
            "forbidden ({message}): the API token needs GraphQL API access; add it {}",
            token_settings(server.as_deref())
        )),
        other => other,
    })?;
    let answer: serde_json::Value = decode(200, &body)?;
    if answer.pointer("/data/__schema").is_none() {
        let message = answer
            .pointer("/errors/0/message")
            .and_then(|m| m.as_str())
            .map(crate::text::sanitize_line)
            .unwrap_or_else(|| "the answer has no data.__schema".into());
        return Err(ApiError::Refused(format!(
            "{endpoint} did not describe its schema: {message}"
        )));
    }
    introspection::to_sdl(&answer).map_err(|e| {
        ApiError::Refused(format!(
            "{endpoint} sent a schema bkportals cannot read: {e}"
        ))
    })
}
