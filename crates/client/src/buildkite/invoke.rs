//! The portal endpoint: `POST {portal}/organizations/{org}/portals/{slug}`.

use std::time::{Duration, Instant};

use reqwest::Method;
use serde::Deserialize;
use url::Url;

use super::body::{BodyCollector, ResponseBody, Uncollected};
use super::error::{ApiError, ErrorContext, PORTAL_TOKEN_HINT};
use super::http::{check_endpoint, other_server, too_big, ClientOptions, Http, Opened, RateLimit};
use crate::secrets::Secret;

#[derive(Clone)]
pub struct PortalClient {
    pub(super) http: Http,
    pub(super) base: Url,
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

    /// Runs the portal's document (or its `operation`) with `variables` as
    /// the body, and returns once the status arrives: the body is read from
    /// the stream as it comes. Statuses the portal does not explain itself
    /// (401, 404, 429, 5xx) are errors. Never retried: the document may be a
    /// mutation, so an answer that is lost says the portal may have run.
    pub async fn invoke_streaming(
        &self,
        slug: &str,
        operation: Option<&str>,
        variables: &serde_json::Value,
        token: &Secret,
    ) -> Result<InvokeStream, ApiError> {
        let url = self.portal_url(slug, operation);
        let request = self.http.request(Method::POST, url, token).json(variables);
        let started = Instant::now();
        let may_have_run = |e: ApiError| e.may_have(format!("portal `{slug}` may have run"));
        let opened = self.http.open(request).await.map_err(may_have_run)?;
        let status = opened.status;
        let rate_limit = RateLimit::from_headers(&opened.headers);
        if matches!(status, 401 | 404 | 429) || status >= 500 {
            let limit = self.http.options().max_body_bytes;
            let body = opened.small_body(limit).await.map_err(may_have_run)?;
            let context = ErrorContext {
                scope: None,
                what: format!("portal `{slug}` in organization `{}`", self.org),
                unauthorized_hint: PORTAL_TOKEN_HINT,
                server: other_server(&self.base),
            };
            return Err(ApiError::from_status(
                status,
                &body,
                rate_limit.reset_secs,
                &context,
            ));
        }
        let options = self.http.options();
        Ok(InvokeStream {
            elapsed: opened.elapsed,
            opened,
            slug: slug.to_owned(),
            status,
            rate_limit,
            started,
            spill_bytes: options.spill_bytes,
            keep_limit: options.max_spilled_bytes,
        })
    }

    /// Runs the portal and reads its whole answer: in memory up to
    /// `spill_bytes`, past that in a private temporary file.
    pub async fn invoke(
        &self,
        slug: &str,
        operation: Option<&str>,
        variables: &serde_json::Value,
        token: &Secret,
    ) -> Result<InvokeResponse, ApiError> {
        let mut kept = self
            .invoke_streaming(slug, operation, variables, token)
            .await?
            .keeping();
        while kept.next_chunk().await?.is_some() {}
        kept.finish()
    }
}

/// A portal's answer, read as it arrives.
pub struct InvokeStream {
    opened: Opened,
    slug: String,
    pub status: u16,
    pub rate_limit: RateLimit,
    /// From sending to the status line.
    pub elapsed: Duration,
    started: Instant,
    /// How `keeping` keeps the body (the client's options).
    spill_bytes: usize,
    keep_limit: u64,
}

impl InvokeStream {
    /// The next piece of the body, `None` at its end. A cut body is an
    /// unclear outcome: the portal may have run.
    pub async fn next_chunk(&mut self) -> Result<Option<bytes::Bytes>, ApiError> {
        let slug = &self.slug;
        self.opened
            .chunk()
            .await
            .map_err(|e| e.may_have(format!("portal `{slug}` may have run")))
    }

    /// From sending until now.
    pub fn elapsed_so_far(&self) -> Duration {
        self.started.elapsed()
    }

    /// The `Content-Type` the server gave the answer, when it gave one.
    pub fn content_type(&self) -> Option<&str> {
        self.opened
            .headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
    }
}

impl InvokeStream {
    /// The body kept as it is read, as `PortalClient::invoke` keeps it (in
    /// memory up to `spill_bytes`, then in a private temporary file), while
    /// each piece is also handed to the caller: the app shows an answer as
    /// it arrives and views the whole once it is in.
    pub fn keeping(self) -> KeptAnswer {
        let collector = BodyCollector::new(self.spill_bytes, self.keep_limit);
        KeptAnswer {
            stream: self,
            collector,
            received: 0,
        }
    }
}

/// A portal's answer being read and kept (`InvokeStream::keeping`).
pub struct KeptAnswer {
    stream: InvokeStream,
    collector: BodyCollector,
    received: u64,
}

impl KeptAnswer {
    /// The next piece of the body, already kept; `None` at its end. A cut
    /// body is an unclear outcome (the portal may have run); one too large
    /// to keep, or that the disk refuses, is refused.
    pub async fn next_chunk(&mut self) -> Result<Option<bytes::Bytes>, ApiError> {
        let Some(chunk) = self.stream.next_chunk().await? else {
            return Ok(None);
        };
        self.received += chunk.len() as u64;
        match self.collector.push(&chunk) {
            Ok(()) => Ok(Some(chunk)),
            Err(e) => Err(self.unkept(e)),
        }
    }

    /// Body bytes read so far.
    pub fn received(&self) -> u64 {
        self.received
    }

    pub fn status(&self) -> u16 {
        self.stream.status
    }

    pub fn rate_limit(&self) -> &RateLimit {
        &self.stream.rate_limit
    }

    /// From sending to the status line.
    pub fn elapsed(&self) -> Duration {
        self.stream.elapsed
    }

    /// The whole answer, once `next_chunk` said it ended. Reads it as a
    /// GraphQL envelope (a parse of the whole body: call it off an event loop).
    pub fn finish(self) -> Result<InvokeResponse, ApiError> {
        let elapsed = self.stream.started.elapsed();
        let KeptAnswer {
            stream, collector, ..
        } = self;
        let body = collector.finish().map_err(|e| unkept(e, &stream))?;
        let graphql = GraphqlEnvelope::parse(&body);
        Ok(InvokeResponse {
            status: stream.status,
            elapsed,
            rate_limit: stream.rate_limit,
            body,
            graphql,
        })
    }

    fn unkept(&self, e: Uncollected) -> ApiError {
        unkept(e, &self.stream)
    }
}

/// Why a body was not kept, as the person reads it.
fn unkept(e: Uncollected, stream: &InvokeStream) -> ApiError {
    match e {
        Uncollected::TooLarge => too_big(stream.opened.host(), stream.keep_limit, "keeps"),
        Uncollected::Disk(e) => ApiError::Refused(format!(
            "the answer was too large for memory and could not be written to a temporary file: {e}"
        )),
    }
}
