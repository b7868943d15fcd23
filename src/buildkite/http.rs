//! What every call to Buildkite shares: timeouts, the endpoint guard, retries
//! of safe requests, rate-limit headers, and turning responses into errors.

use std::net::IpAddr;
use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::{Method, RequestBuilder, Response};
use url::Url;

use super::body::ResponseBody;
use super::error::{ApiError, ErrorContext};
use crate::secrets::Secret;

/// Timeouts and retry limits. The defaults suit people; tests shorten them.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
    /// Attempts for a GET (1 = no retry). Writes are never retried.
    pub get_attempts: u32,
    /// First backoff after a failed GET; doubles each time.
    pub backoff: Duration,
    /// The longest a GET waits for `RateLimit-Reset` before giving up.
    pub max_rate_limit_wait: Duration,
    /// The largest body read into memory.
    pub max_body_bytes: usize,
    /// Portal answers larger than this go to a temporary file instead of
    /// memory (`BKPORTALS_BODY_MEMORY_MB`, default 64).
    pub spill_bytes: usize,
    /// The largest portal answer kept at all (on disk).
    pub max_spilled_bytes: u64,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            get_attempts: 3,
            backoff: Duration::from_millis(300),
            max_rate_limit_wait: Duration::from_secs(60),
            max_body_bytes: 512 << 20,
            spill_bytes: std::env::var("BKPORTALS_BODY_MEMORY_MB")
                .ok()
                .and_then(|mb| mb.trim().parse::<usize>().ok())
                .map_or(64 << 20, |mb| mb << 20),
            // Line offsets in the viewer are 32-bit.
            max_spilled_bytes: 3 << 30,
        }
    }
}

/// The `RateLimit-*` headers of a response (organization or portal scope).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct RateLimit {
    pub limit: Option<u64>,
    pub remaining: Option<u64>,
    pub reset_secs: Option<u64>,
    pub scope: Option<String>,
}

impl RateLimit {
    pub fn from_headers(headers: &HeaderMap) -> RateLimit {
        let text = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.trim().trim_matches('\'').to_owned())
        };
        let number = |name: &str| text(name).and_then(|v| v.parse().ok());
        RateLimit {
            limit: number("ratelimit-limit"),
            remaining: number("ratelimit-remaining"),
            reset_secs: number("ratelimit-reset"),
            scope: text("ratelimit-scope"),
        }
    }
}

/// Refuses endpoints a token must not be sent to: anything but https,
/// except plain http to this machine (the sandbox).
pub fn check_endpoint(url: &Url) -> Result<(), ApiError> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(url) => Ok(()),
        "http" => Err(ApiError::Refused(format!(
            "refusing to send a token over plain http to {}; use an https:// endpoint",
            url.host_str().unwrap_or("?")
        ))),
        other => Err(ApiError::Refused(format!(
            "unsupported endpoint scheme `{other}` in {url}; use https://"
        ))),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

/// True when both URLs name the same scheme, host and port.
pub fn same_origin(a: &Url, b: &Url) -> bool {
    a.origin() == b.origin()
}

/// The HTTP client every Buildkite client shares.
#[derive(Clone)]
pub struct Http {
    client: reqwest::Client,
    options: ClientOptions,
}

impl Http {
    pub fn new(options: ClientOptions) -> Http {
        let client = reqwest::Client::builder()
            .connect_timeout(options.connect_timeout)
            .timeout(options.request_timeout)
            // Never follow redirects: a token must reach only the configured host.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("bkportals/", env!("CARGO_PKG_VERSION")))
            .build()
            .unwrap_or_else(|_| reqwest::Client::new());
        Http { client, options }
    }

    pub fn request(&self, method: Method, url: Url, token: &Secret) -> RequestBuilder {
        self.bare(method, url).bearer_auth(token.expose())
    }

    /// A request without credentials.
    pub fn bare(&self, method: Method, url: Url) -> RequestBuilder {
        self.client
            .request(method, url)
            .header(reqwest::header::ACCEPT, "application/json")
    }

    /// Sends a request. GETs are retried after connection failures, timeouts,
    /// 5xx (with backoff) and 429 (after `RateLimit-Reset`, bounded); other
    /// methods are sent once, since repeating a write is not safe.
    pub async fn send(&self, request: RequestBuilder) -> Result<Response, ApiError> {
        let (client, built) = request.build_split();
        let built = built.map_err(|e| ApiError::Refused(format!("bad request: {e}")))?;
        let host = built.url().host_str().unwrap_or("?").to_owned();
        let retryable = built.method() == Method::GET;
        let attempts = if retryable {
            self.options.get_attempts.max(1)
        } else {
            1
        };
        let mut backoff = self.options.backoff;
        for attempt in 1..=attempts {
            let last = attempt == attempts;
            let Some(request) = built.try_clone() else {
                break;
            };
            match client.execute(request).await {
                Err(e) if !last && (e.is_connect() || e.is_timeout()) => {
                    tracing::debug!("GET to {host} failed ({e}); retrying");
                }
                Err(e) => return Err(self.network_error(&host, e)),
                Ok(response) if !last && response.status().as_u16() == 429 => {
                    let reset = RateLimit::from_headers(response.headers()).reset_secs;
                    let wait = Duration::from_secs(reset.unwrap_or(1).max(1));
                    if wait > self.options.max_rate_limit_wait {
                        return Ok(response);
                    }
                    tracing::debug!("rate limited by {host}; waiting {wait:?}");
                    tokio::time::sleep(wait).await;
                    continue;
                }
                Ok(response) if !last && response.status().is_server_error() => {
                    tracing::debug!("{host} answered {}; retrying", response.status());
                }
                Ok(response) => return Ok(response),
            }
            tokio::time::sleep(backoff).await;
            backoff *= 2;
        }
        Err(ApiError::Refused("request could not be repeated".into()))
    }

    fn network_error(&self, host: &str, e: reqwest::Error) -> ApiError {
        if e.is_timeout() {
            ApiError::Timeout {
                host: host.to_owned(),
                after: self.options.request_timeout,
            }
        } else {
            ApiError::Network {
                host: host.to_owned(),
                message: error_chain(&e),
            }
        }
    }

    /// Reads a whole body, mapping a failure mid-body to a network error.
    /// Bodies past `max_body_bytes` are refused, so memory stays bounded.
    pub async fn body(
        &self,
        mut response: Response,
    ) -> Result<(u16, HeaderMap, Vec<u8>), ApiError> {
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let host = response.url().host_str().unwrap_or("?").to_owned();
        let limit = self.options.max_body_bytes;
        let too_big = || {
            ApiError::Refused(format!(
                "the answer from {host} is larger than {} MB, the most bkportals reads; it was not kept",
                limit >> 20
            ))
        };
        if response.content_length().is_some_and(|n| n > limit as u64) {
            return Err(too_big());
        }
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| self.network_error(&host, e))?
        {
            if body.len() + chunk.len() > limit {
                return Err(too_big());
            }
            body.extend_from_slice(&chunk);
        }
        Ok((status, headers, body))
    }

    /// Reads a whole body, in memory up to `spill_bytes`, then in a private
    /// temporary file (up to `max_spilled_bytes`).
    pub async fn body_spilling(
        &self,
        mut response: Response,
    ) -> Result<(u16, HeaderMap, ResponseBody), ApiError> {
        use std::io::Write;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let host = response.url().host_str().unwrap_or("?").to_owned();
        let limit = self.options.max_spilled_bytes;
        let too_big = || {
            let most = if limit >= 1 << 20 {
                format!("{} MB", limit >> 20)
            } else {
                format!("{limit} bytes")
            };
            ApiError::Refused(format!(
                "the answer from {host} is larger than {most}, the most bkportals keeps; it was not kept"
            ))
        };
        if response.content_length().is_some_and(|n| n > limit) {
            return Err(too_big());
        }
        let disk_error = |e: std::io::Error| {
            ApiError::Refused(format!(
                "the answer was too large for memory and could not be written to a temporary file: {e}"
            ))
        };
        let mut memory = Vec::new();
        let mut file: Option<tempfile::NamedTempFile> = None;
        let mut total: u64 = 0;
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| self.network_error(&host, e))?
        {
            total += chunk.len() as u64;
            if total > limit {
                return Err(too_big());
            }
            match &mut file {
                Some(file) => file.write_all(&chunk).map_err(disk_error)?,
                None if memory.len() + chunk.len() > self.options.spill_bytes => {
                    let mut spilled = tempfile::Builder::new()
                        .prefix("bkportals-answer-")
                        .suffix(".json")
                        .tempfile()
                        .map_err(disk_error)?;
                    spilled.write_all(&memory).map_err(disk_error)?;
                    spilled.write_all(&chunk).map_err(disk_error)?;
                    memory = Vec::new();
                    file = Some(spilled);
                }
                None => memory.extend_from_slice(&chunk),
            }
        }
        let body = match file {
            Some(mut file) => {
                file.flush().map_err(disk_error)?;
                ResponseBody::from_file(file).map_err(disk_error)?
            }
            // No copy of the body unless it is not valid UTF-8.
            None => ResponseBody::from(
                String::from_utf8(memory)
                    .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
            ),
        };
        Ok((status, headers, body))
    }

    /// Reads a response: success bodies are returned, failures become `ApiError`.
    pub(crate) async fn success_body(
        &self,
        response: Response,
        context: &ErrorContext,
    ) -> Result<(HeaderMap, Vec<u8>), ApiError> {
        let (status, headers, body) = self.body(response).await?;
        if (200..300).contains(&status) {
            Ok((headers, body))
        } else if (300..400).contains(&status) {
            let target = headers
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("?");
            Err(ApiError::Refused(format!(
                "the server redirected to {} (HTTP {status}); redirects are not followed so the token stays with the configured host: check the endpoint",
                crate::text::sanitize_line(target)
            )))
        } else {
            let reset = RateLimit::from_headers(&headers).reset_secs;
            Err(ApiError::from_status(status, &body, reset, context))
        }
    }
}

/// The error and its causes on one line ("error sending request: connection refused").
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// Decodes a JSON success body.
pub(crate) fn decode<T: serde::de::DeserializeOwned>(
    status: u16,
    body: &[u8],
) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|_| ApiError::undecodable(status, body))
}

/// The `rel="next"` target of a `Link` header.
pub fn next_link(header: &str) -> Option<&str> {
    let mut rest = header;
    while let Some(open) = rest.find('<') {
        let close = open + rest[open..].find('>')?;
        let target = &rest[open + 1..close];
        let params_end = rest[close..].find('<').map_or(rest.len(), |i| close + i);
        let params = &rest[close + 1..params_end];
        let is_next = params.split(';').any(|p| {
            let p = p.trim().trim_end_matches(',').trim();
            p.eq_ignore_ascii_case("rel=\"next\"") || p.eq_ignore_ascii_case("rel=next")
        });
        if is_next {
            return Some(target);
        }
        rest = &rest[params_end..];
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_link_is_found_among_others() {
        let header = r#"<https://api.buildkite.com/v2/x?page=3>; rel="next", <https://api.buildkite.com/v2/x?page=6>; rel="last""#;
        assert_eq!(
            next_link(header),
            Some("https://api.buildkite.com/v2/x?page=3")
        );
        let last_page = r#"<https://a/x?page=1>; rel="first", <https://a/x?page=5>; rel="prev""#;
        assert_eq!(next_link(last_page), None);
        assert_eq!(next_link(""), None);
    }

    #[test]
    fn tokens_only_go_over_https_or_to_loopback() {
        let ok = |u: &str| check_endpoint(&Url::parse(u).unwrap()).is_ok();
        assert!(ok("https://api.buildkite.com/"));
        assert!(ok("http://127.0.0.1:4000/"));
        assert!(ok("http://localhost:4000/"));
        assert!(ok("http://[::1]:4000/"));
        assert!(!ok("http://api.buildkite.com/"));
        assert!(!ok("http://10.0.0.5/"));
        assert!(!ok("ftp://api.buildkite.com/"));
    }
}
