//! Signing in with an API access token: what bkportals needs of it, the
//! check (`GET /v2/access-token`) and the store. `bkportals auth login` and
//! the app's sign-in dialog both go through `sign_in`, so they accept,
//! refuse and keep a token the same way.

use std::future::Future;

use crate::buildkite::{AccessToken, ApiError, RestClient};
use crate::secrets::{Secret, TokenStore};

pub use crate::buildkite::http::TOKEN_SETTINGS;

/// The scope without which the portal list cannot load.
pub const READ_PORTALS: &str = "read_portals";

/// What bkportals needs of an API token, and what each one is for.
pub const NEEDED: &[(&str, &str)] = &[
    (READ_PORTALS, "list and show portals"),
    ("write_portals", "create, update and delete portals"),
    (
        "graphql",
        "GraphQL access: the schema for check, validation and completion",
    ),
];

/// What the check found about a token Buildkite accepted (never the token).
#[derive(Debug, Clone)]
pub struct Checked {
    /// The owner's email (or name), as Buildkite sent it: sanitize to show.
    pub user: Option<String>,
    pub scopes: Vec<String>,
    /// Of `NEEDED`, the scopes the token lacks.
    pub missing: Vec<&'static str>,
}

impl Checked {
    fn from_answer(info: &AccessToken) -> Checked {
        let missing = NEEDED
            .iter()
            .filter(|(scope, _)| !info.scopes.iter().any(|s| s == scope))
            .map(|(scope, _)| *scope)
            .collect();
        Checked {
            user: info
                .user
                .as_ref()
                .and_then(|u| u.email.clone().or_else(|| u.name.clone())),
            scopes: info.scopes.clone(),
            missing,
        }
    }

    /// Whether the portal list can load with this token.
    pub fn can_list(&self) -> bool {
        !self.missing.contains(&READ_PORTALS)
    }
}

/// What a missing scope costs, and where to add it: Buildkite's token
/// settings, or the server that checked the token (`other_server`).
pub fn missing_advice(scope: &str, server: Option<&str>) -> String {
    let purpose = NEEDED
        .iter()
        .find(|(name, _)| *name == scope)
        .map_or("", |(_, purpose)| purpose);
    let place = crate::buildkite::http::token_settings(server);
    format!("the token lacks {scope} ({purpose}); add it {place}")
}

/// A token checked, and whether it reached the token store.
#[derive(Debug)]
pub struct SignedIn {
    pub token: Secret,
    pub checked: Checked,
    /// Why the store did not take it (the token still works this session).
    pub stored: Result<(), String>,
}

/// Why a token was not signed in with.
#[derive(Debug)]
pub enum SignInError {
    /// The server refused the token (401): its message, as sent, and the
    /// server when it is not Buildkite (`other_server`).
    Refused {
        message: String,
        server: Option<String>,
    },
    /// Accepted, but lacking scopes bkportals needs; not stored.
    Lacking(Checked),
    /// The check itself failed (network, server, endpoint).
    Failed(ApiError),
}

impl std::fmt::Display for SignInError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SignInError::Refused {
                message,
                server: None,
            } => write!(
                f,
                "Buildkite refused this API token ({}): check it was copied whole, or make a new one at {TOKEN_SETTINGS}",
                crate::text::sanitize_line(message)
            ),
            SignInError::Refused {
                message,
                server: Some(server),
            } => write!(
                f,
                "{} refused this API token ({}): check it was copied whole (a `bkportals sandbox` prints its token as it starts; another server, ask whoever runs it)",
                crate::text::sentence_start(&crate::text::sanitize_line(server)),
                crate::text::sanitize_line(message)
            ),
            SignInError::Lacking(checked) => {
                let advice: Vec<String> = checked.missing.iter().map(|s| missing_advice(s, None)).collect();
                write!(f, "{}", advice.join("; "))
            }
            SignInError::Failed(e) => write!(f, "the token could not be checked: {e}"),
        }
    }
}

/// Checks `token` with `GET /v2/access-token` (`rest` names the endpoint and
/// organization; its own token is not used) and, when Buildkite accepts it,
/// hands it to `keep` for the token store. A token lacking a needed scope is
/// kept only with `accept_missing`.
pub async fn sign_in<F, Fut>(
    rest: &RestClient,
    token: Secret,
    accept_missing: bool,
    keep: F,
) -> Result<SignedIn, SignInError>
where
    F: FnOnce(Secret) -> Fut,
    Fut: Future<Output = Result<(), String>>,
{
    let checked = check(rest, &token).await?;
    if !checked.missing.is_empty() && !accept_missing {
        return Err(SignInError::Lacking(checked));
    }
    let stored = keep(token.clone()).await;
    Ok(SignedIn {
        token,
        checked,
        stored,
    })
}

/// `GET /v2/access-token` with `token`: its scopes and owner, or why not
/// (never `Lacking`: what lacks is in `Checked::missing`).
pub async fn check(rest: &RestClient, token: &Secret) -> Result<Checked, SignInError> {
    let info = rest
        .with_token(token.clone())
        .access_token()
        .await
        .map_err(|e| match e {
            ApiError::Unauthorized { message, .. } => SignInError::Refused {
                message,
                server: other_server(rest.endpoint()),
            },
            other => SignInError::Failed(other),
        })?;
    Ok(Checked::from_answer(&info))
}

/// The start of the list of scopes a token lacks, naming the server that
/// accepted it (`other_server`; None is Buildkite).
pub fn accepted_but_lacking(server: Option<&str>) -> String {
    format!(
        "{} accepted the token, but it lacks:",
        crate::text::sentence_start(&crate::buildkite::http::server_said(server))
    )
}

/// The server `endpoint` names (`host:port`) when it is not Buildkite's
/// (a sandbox, say), whose tokens are not made on buildkite.com.
pub use crate::buildkite::http::other_server;

/// The store step of `sign_in`: the organization's API token.
pub fn keep(store: &mut TokenStore, org: &str, token: Secret) -> Result<(), String> {
    store.set_api_token(org, token).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused_by(endpoint: &str) -> String {
        let endpoint = url::Url::parse(endpoint).unwrap();
        SignInError::Refused {
            message: "Authentication required\u{1b}[2J".into(),
            server: other_server(&endpoint),
        }
        .to_string()
    }

    #[test]
    fn a_refusal_says_where_to_get_a_token_of_the_server_that_refused() {
        let buildkite = refused_by("https://api.buildkite.com/v2/");
        assert!(
            buildkite.starts_with("Buildkite refused this API token (Authentication required"),
            "{buildkite}"
        );
        assert!(buildkite.ends_with(TOKEN_SETTINGS), "{buildkite}");
        let sandbox = refused_by("http://127.0.0.1:9100/v2/");
        assert!(
            sandbox.starts_with("127.0.0.1:9100 refused this API token"),
            "{sandbox}"
        );
        assert!(!sandbox.contains("buildkite.com"), "{sandbox}");
        assert!(
            !sandbox.contains('\u{1b}'),
            "what the server sent is sanitized"
        );
    }
}
