//! Fault injection (`bkportals sandbox --faults SPEC`), to see bkportals survive
//! a bad network and a bad day at Buildkite.
//!
//! SPEC is a comma-separated list:
//! - `latency=MS`: every answer waits MS milliseconds first;
//! - `500=N`, `502=N`, `503=N`, `429=N`: the next N requests get that status;
//! - `drop=N`: every Nth request has its connection dropped before an answer;
//! - `truncate=N`: every Nth answer's body stops halfway (connection cut);
//! - `garbage=N`: every Nth answer is an HTML page instead of JSON;
//! - `slow=B`: bodies trickle at about B bytes a second.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::limits::Usage;
use crate::rate_answers::{scope_of_path, too_many, Scope};

#[derive(Debug, Default, Clone, PartialEq)]
pub struct FaultSpec {
    pub latency: Option<Duration>,
    /// Status bursts still to serve, in order: (status, count).
    pub bursts: Vec<(u16, u64)>,
    pub drop_every: Option<u64>,
    pub truncate_every: Option<u64>,
    pub garbage_every: Option<u64>,
    pub slow_bytes_per_second: Option<u64>,
}

impl FaultSpec {
    pub fn parse(spec: &str) -> Result<FaultSpec, String> {
        let mut faults = FaultSpec::default();
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, value) = part
                .split_once('=')
                .ok_or_else(|| format!("`{part}`: write each fault as NAME=NUMBER, e.g. 503=3"))?;
            let number: u64 = value
                .trim()
                .parse()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| format!("`{part}`: {value} is not a whole number above 0"))?;
            match key.trim() {
                "latency" => faults.latency = Some(Duration::from_millis(number)),
                "drop" => faults.drop_every = Some(number),
                "truncate" => faults.truncate_every = Some(number),
                "garbage" => faults.garbage_every = Some(number),
                "slow" => faults.slow_bytes_per_second = Some(number),
                code @ ("500" | "502" | "503" | "429") => {
                    let status = code.parse().unwrap_or(500);
                    faults.bursts.push((status, number));
                }
                other => {
                    return Err(format!(
                        "unknown fault `{other}`: use latency, 500, 502, 503, 429, drop, truncate, garbage or slow"
                    ))
                }
            }
        }
        Ok(faults)
    }
}

/// The limits the sandbox runs with, so that an injected 429 names them as
/// the real one would.
#[derive(Debug, Clone, Copy)]
pub struct Ceilings {
    pub rest: u32,
    pub portal: u32,
    pub graphql_points: u32,
}

/// The faults and how far along they are.
pub struct Faults {
    spec: FaultSpec,
    ceilings: Ceilings,
    bursts: Mutex<Vec<(u16, u64)>>,
    requests: AtomicU64,
}

impl Faults {
    pub fn new(spec: FaultSpec, ceilings: Ceilings) -> Arc<Faults> {
        Arc::new(Faults {
            ceilings,
            bursts: Mutex::new(spec.bursts.clone()),
            spec,
            requests: AtomicU64::new(0),
        })
    }

    fn next_burst(&self) -> Option<u16> {
        let mut bursts = self.bursts.lock().unwrap_or_else(|e| e.into_inner());
        let (status, left) = bursts.first_mut()?;
        let status = *status;
        *left -= 1;
        if *left == 0 {
            bursts.remove(0);
        }
        Some(status)
    }
}

fn every(n: Option<u64>, count: u64) -> bool {
    n.is_some_and(|n| count % n == 0)
}

/// A response that fails before any byte is written: the client sees the
/// connection close without an answer.
fn dropped() -> Response {
    let failing = futures_util::stream::once(async {
        Err::<Bytes, _>(std::io::Error::other("fault injected: connection dropped"))
    });
    Response::new(Body::from_stream(failing))
}

/// A body that stops after `prefix`: the status line and the prefix reach
/// the client first (the pause lets them out), then the connection is cut.
fn cut_body(prefix: Bytes) -> Body {
    use futures_util::StreamExt;
    let head = futures_util::stream::once(async move { Ok::<_, std::io::Error>(prefix) });
    let cut = futures_util::stream::once(async {
        tokio::time::sleep(Duration::from_millis(50)).await;
        Err(std::io::Error::other("fault injected: body cut"))
    });
    Body::from_stream(head.chain(cut))
}

/// The 429 the endpoint at `path` answers when its limit is spent, a
/// second before the window resets.
fn limited(ceilings: Ceilings, path: &str) -> Response {
    let scope = scope_of_path(path);
    let limit = match scope {
        Scope::Portal => ceilings.portal,
        Scope::Graphql | Scope::GraphqlUser => ceilings.graphql_points,
        Scope::Rest | Scope::RestUser => ceilings.rest,
    };
    let usage = Usage {
        limit,
        current: limit.saturating_add(1),
        reset_secs: 1,
    };
    too_many(scope, &usage, axum::http::HeaderMap::new())
}

pub async fn inject(State(faults): State<Arc<Faults>>, request: Request, next: Next) -> Response {
    let count = faults.requests.fetch_add(1, Ordering::SeqCst) + 1;
    let spec = &faults.spec;
    if let Some(latency) = spec.latency {
        tokio::time::sleep(latency).await;
    }
    if let Some(status) = faults.next_burst() {
        if status == 429 {
            return limited(faults.ceilings, request.uri().path());
        }
        let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        return (code, format!(r#"{{"message":"fault injected: {status}"}}"#)).into_response();
    }
    if every(spec.drop_every, count) {
        return dropped();
    }
    if every(spec.garbage_every, count) {
        return (StatusCode::OK, "<html><body>502 Bad Gateway</body></html>").into_response();
    }
    let response = next.run(request).await;
    let truncate = every(spec.truncate_every, count);
    if !truncate && spec.slow_bytes_per_second.is_none() {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return Response::from_parts(parts, Body::empty());
    };
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    if truncate {
        let half = bytes.slice(..bytes.len() / 2);
        return Response::from_parts(parts, cut_body(half));
    }
    let rate = spec.slow_bytes_per_second.unwrap_or(1).max(1);
    let chunk = (rate / 10).max(1) as usize;
    let pieces: Vec<Bytes> = bytes.chunks(chunk).map(Bytes::copy_from_slice).collect();
    let stream = futures_util::stream::unfold(pieces.into_iter(), |mut pieces| async move {
        let piece = pieces.next()?;
        tokio::time::sleep(Duration::from_millis(100)).await;
        Some((Ok::<_, std::io::Error>(piece), pieces))
    });
    Response::from_parts(parts, Body::from_stream(stream))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_parse_and_mistakes_are_explained() {
        let spec = FaultSpec::parse("latency=200, 503=3,drop=4, slow=1000").unwrap();
        assert_eq!(spec.latency, Some(Duration::from_millis(200)));
        assert_eq!(spec.bursts, vec![(503, 3)]);
        assert_eq!(spec.drop_every, Some(4));
        assert_eq!(spec.slow_bytes_per_second, Some(1000));
        assert!(FaultSpec::parse("503").unwrap_err().contains("NAME=NUMBER"));
        assert!(FaultSpec::parse("lag=3")
            .unwrap_err()
            .contains("unknown fault"));
        assert!(FaultSpec::parse("drop=0").unwrap_err().contains("above 0"));
    }
}
