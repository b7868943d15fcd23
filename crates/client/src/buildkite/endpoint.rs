//! Where a token may go, and how messages name the server a session talks
//! to: Buildkite, or another one (a sandbox).

use std::net::IpAddr;

use url::Url;

use super::error::ApiError;

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

/// How messages name the sandbox `--demo` starts: its port is chosen at
/// random and means nothing to the person reading.
pub const DEMO_SANDBOX: &str = "the demo sandbox";

/// The origin of the sandbox `--demo` started in this process, once set.
static DEMO_ORIGIN: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// `--demo`: from now on messages call the server at `endpoint`'s origin
/// `DEMO_SANDBOX` instead of its `host:port`. Set once per process.
pub fn name_demo_sandbox(endpoint: &Url) {
    let _ = DEMO_ORIGIN.set(endpoint.origin().ascii_serialization());
}

/// The server `endpoint` names (`host:port`) when it is not Buildkite's
/// (a sandbox, say): messages name it rather than say "Buildkite".
pub fn other_server(endpoint: &Url) -> Option<String> {
    if DEMO_ORIGIN.get() == Some(&endpoint.origin().ascii_serialization()) {
        return Some(DEMO_SANDBOX.to_owned());
    }
    let host = endpoint.host_str().unwrap_or_default();
    let buildkite = host == "buildkite.com" || host.ends_with(".buildkite.com");
    (!buildkite).then(|| match endpoint.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    })
}

/// How messages name a server: "Buildkite", or the other server
/// (`other_server`) made safe to print.
pub fn server_said(other: Option<&str>) -> String {
    other.map_or_else(|| "Buildkite".to_owned(), crate::text::sanitize_line)
}

/// Where a person makes (or edits) a Buildkite API access token.
pub const TOKEN_SETTINGS: &str = "https://buildkite.com/user/api-access-tokens";

/// Where a token's scopes are changed, to follow "add it": Buildkite's
/// token settings, or the other server (`other_server`).
pub fn token_settings(other: Option<&str>) -> String {
    match other {
        None => format!("in the token's settings at {TOKEN_SETTINGS}"),
        Some(_) => format!("to the token on {}", server_said(other)),
    }
}

/// True when both URLs name the same scheme, host and port.
pub fn same_origin(a: &Url, b: &Url) -> bool {
    a.origin() == b.origin()
}
