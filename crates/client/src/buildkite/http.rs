//! What every call to Buildkite shares: one deadline per request, the
//! endpoint guard, retries of safe requests, announced rate-limit waits, a
//! debug line per request, and turning responses into errors.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::HeaderMap;
use reqwest::{Method, RequestBuilder, Response};
use url::Url;

use super::cause::{cause_chain, connect_cause, innermost_cause};
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
    /// Where to say that a call is waiting (on a rate limit); nowhere by default.
    pub notices: Notices,
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
            notices: Notices::default(),
        }
    }
}

/// Something the person should know while a call goes on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// The server answered 429: the call waits for the limit to reset, then
    /// goes on. `server` is named when it is not Buildkite (`other_server`).
    RateLimited {
        wait: Duration,
        server: Option<String>,
    },
    /// The wait of `RateLimited` is over: the call is sent again.
    RateLimitOver { server: Option<String> },
}

impl fmt::Display for Notice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Notice::RateLimited { wait, server } => write!(
                f,
                "rate-limited by {}; continuing in {} s",
                server_said(server.as_deref()),
                wait.as_secs()
            ),
            Notice::RateLimitOver { server } => write!(
                f,
                "the rate limit of {} is over; continuing",
                server_said(server.as_deref())
            ),
        }
    }
}

/// Where notices go: stderr for the command line, the status line for the app.
#[derive(Clone, Default)]
pub struct Notices(Option<Arc<Tell>>);

type Tell = dyn Fn(&Notice) + Send + Sync;

impl Notices {
    pub fn new(tell: impl Fn(&Notice) + Send + Sync + 'static) -> Notices {
        Notices(Some(Arc::new(tell)))
    }

    fn tell(&self, notice: &Notice) {
        if let Some(tell) = &self.0 {
            tell(notice);
        }
    }
}

impl fmt::Debug for Notices {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() {
            "Notices(told)"
        } else {
            "Notices(none)"
        })
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

pub use super::endpoint::{
    check_endpoint, name_demo_sandbox, other_server, same_origin, server_said, token_settings,
    DEMO_SANDBOX, TOKEN_SETTINGS,
};

/// The HTTP client every Buildkite client shares.
#[derive(Clone)]
pub struct Http {
    /// Built at the first request, shared by every clone: building one
    /// (TLS roots and all) is a good part of a launch, whose first frame
    /// sends nothing.
    client: std::sync::Arc<std::sync::OnceLock<reqwest::Client>>,
    options: ClientOptions,
}

/// A whole answer: status, headers and body.
pub(crate) struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

/// How one attempt failed.
enum Failure {
    /// The request never left (no connection): nothing was done.
    NotSent(reqwest::Error),
    /// The request left, and no whole answer came back.
    Lost {
        error: reqwest::Error,
        status: Option<u16>,
    },
    /// Our own refusal (an answer too large): final.
    Refused(ApiError),
}

/// The request being made, as errors and the debug log name it.
#[derive(Clone)]
struct Target {
    method: Method,
    /// The server as errors name it: `host:port` (a sandbox's, a proxy's),
    /// or Buildkite's host name.
    host: String,
    /// The URL without credentials or query values that could be secret.
    shown: String,
    timeout: Duration,
}

/// Query parameters whose values are safe to log.
const LOGGED_QUERY_VALUES: &[&str] = &["page", "per_page", "operation_name"];

impl Target {
    fn of(request: &reqwest::Request, timeout: Duration) -> Target {
        Target {
            method: request.method().clone(),
            host: other_server(request.url())
                .unwrap_or_else(|| request.url().host_str().unwrap_or("?").to_owned()),
            shown: shown_url(request.url()),
            timeout,
        }
    }

    fn is_write(&self) -> bool {
        self.method != Method::GET
    }

    fn log(&self, outcome: Result<u16, &str>, elapsed: Duration) {
        let ms = elapsed.as_millis();
        match outcome {
            Ok(status) => tracing::debug!("{} {} -> {status} in {ms} ms", self.method, self.shown),
            Err(cause) => tracing::debug!(
                "{} {} -> failed after {ms} ms: {cause}",
                self.method,
                self.shown
            ),
        }
    }

    /// The error for an attempt that failed: a write whose request left has
    /// an unclear outcome, never a plain failure.
    fn error(&self, failure: Failure) -> ApiError {
        match failure {
            Failure::Refused(error) => error,
            Failure::NotSent(error) if error.is_timeout() => ApiError::Timeout {
                host: self.host.clone(),
                after: self.timeout,
            },
            Failure::NotSent(error) => self.network(&error),
            Failure::Lost { error, status } if self.is_write() => ApiError::OutcomeUnknown {
                outcome: format!(
                    "the {} request may or may not have been carried out",
                    self.method
                ),
                host: self.host.clone(),
                cause: self.lost_cause(&error, status),
                status,
            },
            Failure::Lost { error, .. } if error.is_timeout() => ApiError::Timeout {
                host: self.host.clone(),
                after: self.timeout,
            },
            Failure::Lost { error, status } => ApiError::Network {
                host: self.host.clone(),
                message: self.lost_cause(&error, status),
            },
        }
    }

    /// No connection: one short cause (the log has the whole chain).
    fn network(&self, error: &reqwest::Error) -> ApiError {
        ApiError::Network {
            host: self.host.clone(),
            message: connect_cause(error),
        }
    }

    /// Why an answer did not fully arrive, in a few words.
    fn lost_cause(&self, error: &reqwest::Error, status: Option<u16>) -> String {
        let secs = self.timeout.as_secs();
        match (status, error.is_timeout()) {
            (None, true) => format!("no answer within {secs}s"),
            (None, false) => innermost_cause(error),
            (Some(status), true) => {
                format!("the HTTP {status} answer did not finish within {secs}s")
            }
            (Some(status), false) => format!(
                "the connection closed before the HTTP {status} answer was complete ({})",
                innermost_cause(error)
            ),
        }
    }
}

/// `url` as the debug log shows it: no user or password, and query values
/// replaced unless known to be harmless.
fn shown_url(url: &Url) -> String {
    let mut shown = url.clone();
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    if url.query().is_some() {
        let pairs: Vec<(String, String)> = url
            .query_pairs()
            .map(|(key, value)| {
                let value = if LOGGED_QUERY_VALUES.contains(&key.as_ref()) {
                    value.into_owned()
                } else {
                    "REDACTED".to_owned()
                };
                (key.into_owned(), value)
            })
            .collect();
        shown.query_pairs_mut().clear().extend_pairs(pairs);
    }
    shown.to_string()
}

/// An answer whose body is read as it arrives (portal invocations): sent
/// once, its status and headers known.
pub(crate) struct Opened {
    response: Response,
    target: Target,
    pub status: u16,
    pub headers: HeaderMap,
    /// From sending to the status line.
    pub elapsed: Duration,
}

impl Opened {
    /// The next piece of the body; `None` at its end.
    pub async fn chunk(&mut self) -> Result<Option<bytes::Bytes>, ApiError> {
        let status = Some(self.status);
        self.response.chunk().await.map_err(|error| {
            self.target.log(Err(&cause_chain(&error)), self.elapsed);
            self.target.error(Failure::Lost { error, status })
        })
    }

    pub fn host(&self) -> &str {
        &self.target.host
    }

    /// The whole body, for small answers (errors); at most `limit` bytes.
    pub async fn small_body(mut self, limit: usize) -> Result<Vec<u8>, ApiError> {
        let mut body = Vec::new();
        while let Some(chunk) = self.chunk().await? {
            if body.len() + chunk.len() > limit {
                return Err(too_big(&self.target.host, limit as u64, "reads"));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }
}

/// The refusal of an answer past `limit` bytes.
pub(crate) fn too_big(host: &str, limit: u64, verb: &str) -> ApiError {
    let most = if limit >= 1 << 20 {
        format!("{} MB", limit >> 20)
    } else {
        format!("{limit} bytes")
    };
    ApiError::Refused(format!(
        "the answer from {host} is larger than {most}, the most bkportals {verb}; it was not kept"
    ))
}

impl Http {
    pub fn new(options: ClientOptions) -> Http {
        Http {
            client: Default::default(),
            options,
        }
    }

    fn client(&self) -> &reqwest::Client {
        self.client.get_or_init(|| {
            reqwest::Client::builder()
                .connect_timeout(self.options.connect_timeout)
                .timeout(self.options.request_timeout)
                // Never follow redirects: a token must reach only the configured host.
                .redirect(reqwest::redirect::Policy::none())
                .user_agent(concat!("bkportals/", env!("CARGO_PKG_VERSION")))
                .build()
                .unwrap_or_else(|_| reqwest::Client::new())
        })
    }

    pub fn options(&self) -> &ClientOptions {
        &self.options
    }

    pub fn set_notices(&mut self, notices: Notices) {
        self.options.notices = notices;
    }

    pub fn request(&self, method: Method, url: Url, token: &Secret) -> RequestBuilder {
        self.bare(method, url).bearer_auth(token.expose())
    }

    /// A request without credentials.
    pub fn bare(&self, method: Method, url: Url) -> RequestBuilder {
        self.client()
            .request(method, url)
            .header(reqwest::header::ACCEPT, "application/json")
    }

    fn build(
        &self,
        request: RequestBuilder,
    ) -> Result<(reqwest::Client, reqwest::Request, Target), ApiError> {
        let (client, built) = request.build_split();
        let built = built.map_err(|e| ApiError::Refused(format!("bad request: {e}")))?;
        let target = Target::of(&built, self.options.request_timeout);
        Ok((client, built, target))
    }

    /// Sends a request and reads its whole answer. One deadline
    /// (`request_timeout`) covers every attempt. GETs are tried again after
    /// a dropped connection, a cut body or a 5xx (with backoff, while the
    /// deadline allows), and after a 429 once `RateLimit-Reset` has passed
    /// (bounded, announced through `notices`). Other methods are sent once:
    /// repeating a write is not safe.
    pub(crate) async fn fetch(&self, request: RequestBuilder) -> Result<Answer, ApiError> {
        let (client, request, target) = self.build(request)?;
        let attempts = if target.is_write() {
            1
        } else {
            self.options.get_attempts.max(1)
        };
        let mut deadline = Instant::now() + self.options.request_timeout;
        let mut backoff = self.options.backoff;
        for attempt in 1..=attempts {
            let again = attempt < attempts;
            let Some(mut copy) = request.try_clone() else {
                break;
            };
            let Some(left) = time_left(deadline) else {
                return Err(ApiError::Timeout {
                    host: target.host,
                    after: self.options.request_timeout,
                });
            };
            *copy.timeout_mut() = Some(left);
            let outcome = self.attempt(&client, copy, &target).await;
            if let (true, Ok(answer)) = (again, &outcome) {
                if answer.status == 429 {
                    let reset = RateLimit::from_headers(&answer.headers).reset_secs;
                    let wait = Duration::from_secs(reset.unwrap_or(1).max(1));
                    if wait > self.options.max_rate_limit_wait {
                        return outcome.map_err(|f| target.error(f));
                    }
                    let server = other_server(request.url());
                    let notices = &self.options.notices;
                    notices.tell(&Notice::RateLimited {
                        wait,
                        server: server.clone(),
                    });
                    tokio::time::sleep(wait).await;
                    notices.tell(&Notice::RateLimitOver { server });
                    // A wait we announced is not the server being slow.
                    deadline = Instant::now() + self.options.request_timeout;
                    continue;
                }
            }
            let retryable = match &outcome {
                Ok(answer) => answer.status >= 500,
                Err(Failure::Refused(_)) => false,
                Err(_) => true,
            };
            let fits = time_left(deadline).is_some_and(|left| left > backoff);
            if !(again && retryable && fits) {
                return outcome.map_err(|f| target.error(f));
            }
            tracing::debug!("{} {}: trying again", target.method, target.shown);
            tokio::time::sleep(backoff).await;
            backoff *= 2;
        }
        // Only a streamed body cannot be copied; no request here has one.
        Err(ApiError::Refused(
            "the request could not be repeated".into(),
        ))
    }

    /// One exchange: the request, then its whole body (at most `max_body_bytes`).
    async fn attempt(
        &self,
        client: &reqwest::Client,
        request: reqwest::Request,
        target: &Target,
    ) -> Result<Answer, Failure> {
        let started = Instant::now();
        let result = self.exchange(client, request, target).await;
        let elapsed = started.elapsed();
        match &result {
            Ok(answer) => target.log(Ok(answer.status), elapsed),
            Err(Failure::NotSent(e) | Failure::Lost { error: e, .. }) => {
                target.log(Err(&cause_chain(e)), elapsed)
            }
            Err(Failure::Refused(e)) => target.log(Err(&e.to_string()), elapsed),
        }
        result
    }

    async fn exchange(
        &self,
        client: &reqwest::Client,
        request: reqwest::Request,
        target: &Target,
    ) -> Result<Answer, Failure> {
        let mut response = client.execute(request).await.map_err(sent_or_not)?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let limit = self.options.max_body_bytes;
        let refuse = || Failure::Refused(too_big(&target.host, limit as u64, "reads"));
        if response.content_length().is_some_and(|n| n > limit as u64) {
            return Err(refuse());
        }
        let mut body = Vec::new();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) if body.len() + chunk.len() > limit => return Err(refuse()),
                Ok(Some(chunk)) => body.extend_from_slice(&chunk),
                Ok(None) => break,
                // A refusal is an answer even when its explanation is cut.
                Err(_) if !(200..300).contains(&status) => break,
                Err(error) => {
                    return Err(Failure::Lost {
                        error,
                        status: Some(status),
                    })
                }
            }
        }
        Ok(Answer {
            status,
            headers,
            body,
        })
    }

    /// Sends a request once and returns when its status line arrives; the
    /// body is read from the `Opened` within the same deadline.
    pub(crate) async fn open(&self, request: RequestBuilder) -> Result<Opened, ApiError> {
        let (client, mut request, target) = self.build(request)?;
        *request.timeout_mut() = Some(self.options.request_timeout);
        let started = Instant::now();
        match client.execute(request).await {
            Ok(response) => {
                let elapsed = started.elapsed();
                let status = response.status().as_u16();
                target.log(Ok(status), elapsed);
                Ok(Opened {
                    headers: response.headers().clone(),
                    response,
                    target,
                    status,
                    elapsed,
                })
            }
            Err(error) => {
                target.log(Err(&cause_chain(&error)), started.elapsed());
                Err(target.error(sent_or_not(error)))
            }
        }
    }

    /// Reads a whole answer: success bodies are returned, failures become `ApiError`.
    pub(crate) fn success(
        &self,
        answer: Answer,
        context: &ErrorContext,
    ) -> Result<(HeaderMap, Vec<u8>), ApiError> {
        let Answer {
            status,
            headers,
            body,
        } = answer;
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

/// A failed `execute`: before the request left (connecting), or after.
fn sent_or_not(error: reqwest::Error) -> Failure {
    if error.is_connect() {
        Failure::NotSent(error)
    } else {
        Failure::Lost {
            error,
            status: None,
        }
    }
}

/// What is left of a deadline, when anything is.
fn time_left(deadline: Instant) -> Option<Duration> {
    Some(deadline.saturating_duration_since(Instant::now())).filter(|left| !left.is_zero())
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
    fn logged_urls_keep_no_credentials_or_unknown_query_values() {
        let url = Url::parse(
            "https://me:pw@api.buildkite.com/v2/x?per_page=100&token=bkua_secret&operation_name=Get",
        )
        .unwrap();
        assert_eq!(
            shown_url(&url),
            "https://api.buildkite.com/v2/x?per_page=100&token=REDACTED&operation_name=Get"
        );
        let plain = Url::parse("http://127.0.0.1:4000/v2/x").unwrap();
        assert_eq!(shown_url(&plain), "http://127.0.0.1:4000/v2/x");
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
