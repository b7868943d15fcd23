//! Why a request failed, in words: one short cause for the message a person
//! reads ("connection refused"), the whole chain for the debug log.

use std::error::Error;
use std::io::ErrorKind;

/// The one cause a person can act on when no connection was made:
/// refused, timed out, DNS, unreachable... else the deepest cause's text.
pub(super) fn connect_cause(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        return "connection timed out".into();
    }
    let mut text = String::new();
    for cause in sources(error) {
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            if let Some(said) = io_cause(io.kind()) {
                return said.into();
            }
        }
        text.push_str(&cause.to_string().to_lowercase());
        text.push(' ');
    }
    // hyper's resolver says "dns error"; getaddrinfo "failed to lookup address".
    if text.contains("dns error") || text.contains("failed to lookup address") {
        return "host not found (DNS)".into();
    }
    innermost_cause(error)
}

fn io_cause(kind: ErrorKind) -> Option<&'static str> {
    Some(match kind {
        ErrorKind::ConnectionRefused => "connection refused",
        ErrorKind::TimedOut => "connection timed out",
        ErrorKind::ConnectionReset => "connection reset",
        ErrorKind::ConnectionAborted => "connection aborted",
        ErrorKind::HostUnreachable => "host unreachable",
        ErrorKind::NetworkUnreachable => "network unreachable",
        ErrorKind::AddrNotAvailable => "address not available",
        _ => return None,
    })
}

/// The deepest cause of an error ("connection closed before message completed").
pub(super) fn innermost_cause(error: &dyn Error) -> String {
    let mut deepest = error;
    while let Some(cause) = deepest.source() {
        deepest = cause;
    }
    deepest.to_string()
}

/// The causes under `error` on one line, for the debug log. The error itself
/// is left out: reqwest's names the URL with its query, which the log shows
/// only with secret values hidden.
pub(super) fn cause_chain(error: &reqwest::Error) -> String {
    let mut text = String::new();
    for cause in sources(error) {
        let said = cause.to_string();
        if !text.contains(&said) {
            if !text.is_empty() {
                text.push_str(": ");
            }
            text.push_str(&said);
        }
    }
    if text.is_empty() {
        text = "no cause given".into();
    }
    text
}

fn sources(error: &reqwest::Error) -> impl Iterator<Item = &(dyn Error + 'static)> {
    std::iter::successors(error.source(), |&cause| cause.source())
}
