//! The portal endpoint: `POST {portal}/organizations/{org}/portals/{slug}`.

use std::time::{Duration, Instant};

use reqwest::Method;
use serde::Deserialize;
use url::Url;

use super::body::ResponseBody;
use super::error::{ApiError, ErrorContext, PORTAL_TOKEN_HINT};
use super::http::{check_endpoint, ClientOptions, Http, RateLimit};
use crate::secrets::Secret;

#[derive(Clone)]
pub struct PortalClient {
    pub(super) http: Http,
    base: Url,
    pub(super) org: String,
}

/// What a portal answered. Kept for any HTTP status the portal explains
/// itself (400, 403, 422...): the person testing wants to read it.
#[derive(Debug, Clone)]
pub struct InvokeResponse {
    pub status: u16,
    pub elapsed: Duration,
    pub rate_limit: RateLimit,
    /// The body exactly as received (lossy UTF-8); large ones live in a
    /// temporary file.
    pub body: ResponseBody,
    /// The body read as a GraphQL response, when it is one.
    pub graphql: Option<GraphqlEnvelope>,
}

impl InvokeResponse {
    /// The `data` of a GraphQL answer, decoded on demand.
    pub fn data(&self) -> Option<serde_json::Value> {
        let mut value: serde_json::Value = serde_json::from_str(&self.body).ok()?;
        value.get_mut("data").map(serde_json::Value::take)
    }

    /// A 2xx answer without GraphQL errors.
    pub fn succeeded(&self) -> bool {
        (200..300).contains(&self.status)
            && self.graphql.as_ref().is_none_or(|g| g.errors.is_empty())
    }
}

/// What a GraphQL answer says, without building a tree of its data: a body
/// may be tens of megabytes.
#[derive(Debug, Clone, PartialEq)]
pub struct GraphqlEnvelope {
    pub has_data: bool,
    pub errors: Vec<GraphqlError>,
}

impl GraphqlEnvelope {
    /// Reads `body` as a GraphQL response: `None` when it is not one.
    pub fn parse(body: &str) -> Option<GraphqlEnvelope> {
        #[derive(Deserialize)]
        struct Wire {
            #[serde(default)]
            data: Option<serde::de::IgnoredAny>,
            #[serde(default)]
            errors: Option<Vec<GraphqlError>>,
        }
        let wire: Wire = serde_json::from_str(body).ok()?;
        let envelope = GraphqlEnvelope {
            has_data: wire.data.is_some(),
            errors: wire.errors.unwrap_or_default(),
        };
        (envelope.has_data || !envelope.errors.is_empty()).then_some(envelope)
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct GraphqlError {
    pub message: String,
    #[serde(default)]
    pub path: Option<Vec<serde_json::Value>>,
    #[serde(default)]
    pub locations: Option<Vec<serde_json::Value>>,
}

impl PortalClient {
    /// `base` is the portal endpoint, e.g. `https://portal.buildkite.com/`.
    pub fn new(base: Url, org: &str, options: ClientOptions) -> Result<Self, ApiError> {
        check_endpoint(&base)?;
        Ok(PortalClient {
            http: Http::new(options),
            base,
            org: org.to_owned(),
        })
    }

    pub fn portal_url(&self, slug: &str, operation: Option<&str>) -> Url {
        let mut url = self.base.clone();
        if let Ok(mut segments) = url.path_segments_mut() {
            segments
                .pop_if_empty()
                .extend(["organizations", &self.org, "portals", slug]);
        }
        if let Some(operation) = operation {
            url.query_pairs_mut()
                .append_pair("operation_name", operation);
        }
        url
    }

    /// Runs the portal's document (or its `operation`) with `variables` as the body.
    /// Invocations are never retried: the document may be a mutation.
    pub async fn invoke(
        &self,
        slug: &str,
        operation: Option<&str>,
        variables: &serde_json::Value,
        token: &Secret,
    ) -> Result<InvokeResponse, ApiError> {
        let url = self.portal_url(slug, operation);
        let request = self.http.request(Method::POST, url, token).json(variables);
        let started = Instant::now();
        let response = self.http.send(request).await?;
        let (status, headers, body) = self.http.body_spilling(response).await?;
        let elapsed = started.elapsed();
        let rate_limit = RateLimit::from_headers(&headers);
        let context = ErrorContext {
            scope: None,
            what: format!("portal `{slug}` in organization `{}`", self.org),
            unauthorized_hint: PORTAL_TOKEN_HINT,
        };
        if matches!(status, 401 | 404 | 429) || status >= 500 {
            return Err(ApiError::from_status(
                status,
                body.as_bytes(),
                rate_limit.reset_secs,
                &context,
            ));
        }
        let graphql = GraphqlEnvelope::parse(&body);
        Ok(InvokeResponse {
            status,
            elapsed,
            rate_limit,
            body,
            graphql,
        })
    }
}
