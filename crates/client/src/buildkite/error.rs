//! One error type for every call to Buildkite, worded for the person at the keyboard.

use std::time::Duration;

use super::http::{server_said, token_settings};
use super::portal::Portal;
use crate::text::{sanitize_line, sanitize_lines};

/// What went wrong talking to Buildkite (or the sandbox), and what to do about it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApiError {
    #[error("not authorized ({message}): {hint}")]
    Unauthorized { message: String, hint: &'static str },

    #[error("{}", forbidden_text(.scope, .message, .server.as_deref()))]
    Forbidden {
        /// The scope the call needs, when we know it.
        scope: Option<&'static str>,
        message: String,
        /// The server that refused, when it is not Buildkite (`other_server`).
        server: Option<String>,
    },

    #[error("not found: {what} ({message})")]
    NotFound { what: String, message: String },

    #[error("rejected by {}: {message}", server_said(.server.as_deref()))]
    Validation {
        message: String,
        /// The server that rejected it, when it is not Buildkite (`other_server`).
        server: Option<String>,
    },

    #[error("rate limit reached: {}", rate_limited_text(*.reset_secs, .message))]
    RateLimited {
        reset_secs: Option<u64>,
        message: String,
    },

    #[error("{} had a server error (HTTP {status}): {message}; try again shortly", server_said(.server.as_deref()))]
    Server {
        status: u16,
        message: String,
        /// The server that failed, when it is not Buildkite (`other_server`).
        server: Option<String>,
    },

    #[error("HTTP {status}: {message}")]
    Http { status: u16, message: String },

    #[error("could not reach {host}: {message}")]
    Network { host: String, message: String },

    #[error("no answer from {host} within {}s; check the connection or try again", .after.as_secs())]
    Timeout { host: String, after: Duration },

    /// A write whose request left but whose answer did not fully come back
    /// (connection closed, body cut, no answer in time): the server may
    /// have done it. It is never sent again on its own.
    #[error("{outcome}: the answer from {host} was lost: {cause}; it was not sent again, so check before trying again")]
    OutcomeUnknown {
        /// What may have happened, e.g. "portal `deploy` may have run".
        outcome: String,
        host: String,
        cause: String,
        /// The status, when it arrived before the body was cut.
        status: Option<u16>,
    },

    /// A create that Buildkite carried out, whose answer (with the portal's
    /// one-time token) was lost.
    #[error("portal `{slug}` was created, but its token could not be read: make a new token on the portal's Security page, or delete and create it again")]
    CreatedWithoutToken {
        slug: String,
        /// The portal as read back, when that worked.
        portal: Option<Box<Portal>>,
    },

    /// A create whose answer was lost, and reading back showed it was not made.
    #[error("portal `{slug}` was not created: {reason}")]
    NotCreated { slug: String, reason: String },

    #[error("unexpected response (HTTP {status}), not the JSON expected: {snippet:?}")]
    Undecodable { status: u16, snippet: String },

    #[error("{0}")]
    Refused(String),
}

fn forbidden_text(scope: &Option<&'static str>, message: &str, server: Option<&str>) -> String {
    match scope {
        Some(scope) => format!(
            "forbidden ({message}): the API token needs the `{scope}` scope; add it {}",
            token_settings(server)
        ),
        None => format!("forbidden: {message}"),
    }
}

fn rate_limited_text(reset_secs: Option<u64>, message: &str) -> String {
    match reset_secs {
        Some(secs) => format!("{message} (try again in {secs}s)"),
        None => message.to_owned(),
    }
}

impl ApiError {
    /// Builds the error for a non-success response from its status and body.
    pub(crate) fn from_status(
        status: u16,
        body: &[u8],
        reset_secs: Option<u64>,
        context: &ErrorContext,
    ) -> ApiError {
        let message = server_message(body).unwrap_or_else(|| default_message(status, body));
        let server = context.server.clone();
        match status {
            401 => ApiError::Unauthorized {
                message,
                hint: context.unauthorized_hint,
            },
            403 => ApiError::Forbidden {
                scope: context.scope,
                message,
                server,
            },
            404 => ApiError::NotFound {
                what: context.what.clone(),
                message,
            },
            422 => ApiError::Validation { message, server },
            429 => ApiError::RateLimited {
                reset_secs,
                message,
            },
            500..=599 => ApiError::Server {
                status,
                message,
                server,
            },
            _ => ApiError::Http { status, message },
        }
    }

    /// Says what an unclear outcome may have done, in the caller's words.
    pub(crate) fn may_have(self, what: impl Into<String>) -> ApiError {
        match self {
            ApiError::OutcomeUnknown {
                host,
                cause,
                status,
                ..
            } => ApiError::OutcomeUnknown {
                outcome: what.into(),
                host,
                cause,
                status,
            },
            other => other,
        }
    }

    pub(crate) fn undecodable(status: u16, body: &[u8]) -> ApiError {
        ApiError::Undecodable {
            status,
            snippet: snippet(body),
        }
    }
}

/// What a failing call was about, to word its error.
#[derive(Debug, Clone)]
pub(crate) struct ErrorContext {
    pub scope: Option<&'static str>,
    pub what: String,
    pub unauthorized_hint: &'static str,
    /// The server asked, when it is not Buildkite (`other_server`).
    pub server: Option<String>,
}

pub(crate) const API_TOKEN_HINT: &str =
    "store a valid API access token for this organization with `bkportals auth login` (or set BUILDKITE_API_TOKEN)";
pub(crate) const PORTAL_TOKEN_HINT: &str =
    "the portal token is missing, wrong or revoked; store the right one with `bkportals token add SLUG` or pass it with --token-env";

/// The `message` (REST) or first `errors[].message` (GraphQL) of a JSON error body.
fn server_message(body: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let text = value
        .get("message")
        .and_then(|m| m.as_str())
        .or_else(|| value.get("errors")?.get(0)?.get("message")?.as_str())?;
    Some(sanitize_lines(text))
}

fn default_message(status: u16, body: &[u8]) -> String {
    let reason = reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("unexpected status");
    if body.is_empty() {
        reason.to_owned()
    } else {
        format!("{reason}: {}", snippet(body))
    }
}

/// The first bytes of a body, made safe to print.
pub(crate) fn snippet(body: &[u8]) -> String {
    const MAX: usize = 120;
    let text = String::from_utf8_lossy(&body[..body.len().min(MAX)]);
    let mut line = sanitize_line(&text);
    if body.len() > MAX {
        line.push('…');
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context() -> ErrorContext {
        ErrorContext {
            scope: Some("write_portals"),
            what: "portal `deploy`".into(),
            unauthorized_hint: API_TOKEN_HINT,
            server: None,
        }
    }

    fn sandbox_context() -> ErrorContext {
        ErrorContext {
            server: Some("127.0.0.1:8088".into()),
            ..context()
        }
    }

    #[test]
    fn forbidden_names_the_missing_scope() {
        let err = ApiError::from_status(403, br#"{"message":"Forbidden"}"#, None, &context());
        let text = err.to_string();
        assert!(text.contains("`write_portals` scope"), "{text}");
    }

    #[test]
    fn validation_keeps_the_server_message() {
        let body = br#"{"message":"Validation failed: Name can't be blank"}"#;
        let err = ApiError::from_status(422, body, None, &context());
        assert_eq!(
            err.to_string(),
            "rejected by Buildkite: Validation failed: Name can't be blank"
        );
    }

    #[test]
    fn a_message_of_several_lines_keeps_them_each_made_safe() {
        let body = br#"{"message":"Validation failed:\r\n- Name can't be blank\n\n- Query \u001b[31mis\u001b[0m invalid\t "}"#;
        let err = ApiError::from_status(422, body, None, &context());
        assert_eq!(
            err.to_string(),
            "rejected by Buildkite: Validation failed:\n- Name can't be blank\n- Query �[31mis�[0m invalid"
        );
    }

    #[test]
    fn another_server_is_named_where_buildkite_would_be() {
        let body = br#"{"message":"Validation failed: Name can't be blank"}"#;
        let rejected = ApiError::from_status(422, body, None, &sandbox_context()).to_string();
        assert!(
            rejected.starts_with("rejected by 127.0.0.1:8088: "),
            "{rejected}"
        );
        let failed = ApiError::from_status(503, b"{}", None, &sandbox_context()).to_string();
        assert!(
            failed.starts_with("127.0.0.1:8088 had a server error (HTTP 503)"),
            "{failed}"
        );
        let forbidden = ApiError::from_status(403, b"{}", None, &sandbox_context()).to_string();
        assert!(
            forbidden.ends_with("add it to the token on 127.0.0.1:8088"),
            "{forbidden}"
        );
        for text in [rejected, failed, forbidden] {
            assert!(!text.contains("Buildkite"), "{text}");
        }
    }

    #[test]
    fn buildkite_is_named_when_it_is_the_server() {
        let failed = ApiError::from_status(500, b"{}", None, &context()).to_string();
        assert!(
            failed.starts_with("Buildkite had a server error (HTTP 500)"),
            "{failed}"
        );
        let forbidden = ApiError::from_status(403, b"{}", None, &context()).to_string();
        let settings =
            "add it in the token's settings at https://buildkite.com/user/api-access-tokens";
        assert!(forbidden.ends_with(settings), "{forbidden}");
    }

    #[test]
    fn buildkites_endpoints_say_buildkite_and_any_other_is_named() {
        let rejected_at = |endpoint: &str| {
            let endpoint = url::Url::parse(endpoint).unwrap();
            let context = ErrorContext {
                server: super::super::http::other_server(&endpoint),
                ..context()
            };
            ApiError::from_status(422, b"{}", None, &context).to_string()
        };
        for endpoint in [
            "https://api.buildkite.com/",
            "https://portal.buildkite.com/",
            "https://graphql.buildkite.com/v1",
        ] {
            let said = rejected_at(endpoint);
            assert!(
                said.starts_with("rejected by Buildkite: "),
                "{endpoint}: {said}"
            );
        }
        let said = rejected_at("http://127.0.0.1:8088/");
        assert!(said.starts_with("rejected by 127.0.0.1:8088: "), "{said}");
    }

    #[test]
    fn rate_limited_says_when_to_retry() {
        let err = ApiError::from_status(429, b"{}", Some(42), &context());
        assert!(err.to_string().contains("try again in 42s"), "{err}");
    }

    #[test]
    fn escape_sequences_in_bodies_are_made_inert() {
        let err = ApiError::from_status(500, b"\x1b]52;c;AAAA\x07boom", None, &context());
        let text = err.to_string();
        assert!(!text.contains('\x1b') && !text.contains('\x07'), "{text:?}");
    }
}
