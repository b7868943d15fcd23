//! Short-lived portal tokens: the user-invoked (device code) flow, and
//! ephemeral tokens from a portal secret. Both are POSTs to the portal host,
//! sent once and never retried; the flow's polls say when an answer was
//! unreadable (`Exchange::Unreadable`), and the caller asks again.

use reqwest::Method;
use serde::Deserialize;
use serde_json::json;

use super::error::{snippet, ApiError, ErrorContext, PORTAL_TOKEN_HINT};
use super::http::{decode, other_server};
use super::invoke::PortalClient;
use crate::secrets::Secret;

/// A code for the user to approve in a browser.
#[derive(Debug, Clone, Deserialize)]
pub struct DeviceCode {
    pub code: String,
    pub secret: Secret,
    pub authorization_url: String,
    pub expires_at: String,
}

/// A token that expires.
#[derive(Debug, Clone, Deserialize)]
pub struct ShortLivedToken {
    pub token: Secret,
    pub expires_at: String,
}

/// Where a device-code exchange stands.
#[derive(Debug)]
pub enum Exchange {
    Granted(ShortLivedToken),
    /// Not approved yet: ask again later.
    Pending,
    /// The answer was lost or unreadable (a 5xx, a dropped connection, a
    /// garbled body, a rate limit): says why; ask again later, more slowly.
    /// A poll is a read of where the code stands: it may be repeated.
    Unreadable(String),
}

/// How long a device-code flow waits before its next poll: two seconds,
/// doubled after each unreadable answer in a row, sixteen at most.
pub fn poll_interval(unreadable_in_a_row: u32) -> std::time::Duration {
    std::time::Duration::from_secs(2 << unreadable_in_a_row.min(3))
}

#[derive(Deserialize)]
struct OAuthError {
    error: String,
    #[serde(default)]
    error_description: Option<String>,
}

impl PortalClient {
    fn flow_context(&self, slug: &str) -> ErrorContext {
        ErrorContext {
            scope: None,
            what: format!("portal `{slug}` in organization `{}`", self.org),
            unauthorized_hint: PORTAL_TOKEN_HINT,
            server: other_server(&self.base),
        }
    }

    async fn post_json(
        &self,
        slug: &str,
        tail: &str,
        body: serde_json::Value,
    ) -> Result<(u16, Vec<u8>), ApiError> {
        let mut url = self.portal_url(slug, None);
        if let Ok(mut segments) = url.path_segments_mut() {
            segments.push(tail);
        }
        let request = self.http.bare(Method::POST, url).json(&body);
        let answer = self.http.fetch(request).await.map_err(|e| {
            e.may_have(match tail {
                "codes" => format!("a sign-in code for portal `{slug}` may have been made"),
                _ => format!("a token for portal `{slug}` may have been granted"),
            })
        })?;
        Ok((answer.status, answer.body))
    }

    /// Starts the user-invoked flow: a code, and the URL where the user approves it.
    pub async fn request_code(&self, slug: &str) -> Result<DeviceCode, ApiError> {
        let (status, body) = self.post_json(slug, "codes", json!({})).await?;
        if (200..300).contains(&status) {
            decode(status, &body)
        } else {
            Err(ApiError::from_status(
                status,
                &body,
                None,
                &self.flow_context(slug),
            ))
        }
    }

    /// Asks whether the code was approved; grants a user token when it was.
    /// `expires_in` is in minutes (Buildkite: 12 hours at most).
    pub async fn exchange_code(
        &self,
        slug: &str,
        code: &DeviceCode,
        expires_in: Option<u32>,
    ) -> Result<Exchange, ApiError> {
        let mut body = json!({
            "grant_type": "device_code",
            "code": code.code,
            "secret": code.secret.expose(),
        });
        if let Some(minutes) = expires_in {
            body["expires_in"] = json!(minutes);
        }
        let (status, body) = match self.post_json(slug, "tokens", body).await {
            Ok(answer) => answer,
            Err(
                e @ (ApiError::Network { .. }
                | ApiError::Timeout { .. }
                | ApiError::OutcomeUnknown { .. }),
            ) => return Ok(Exchange::Unreadable(e.to_string())),
            Err(e) => return Err(e),
        };
        if (200..300).contains(&status) {
            return Ok(decode(status, &body)
                .map_or_else(|e| Exchange::Unreadable(e.to_string()), Exchange::Granted));
        }
        match serde_json::from_slice::<OAuthError>(&body) {
            Ok(e) if e.error == "authorization_pending" || e.error == "slow_down" => {
                Ok(Exchange::Pending)
            }
            _ if status >= 500 || status == 429 => Ok(Exchange::Unreadable(
                ApiError::from_status(status, &body, None, &self.flow_context(slug)).to_string(),
            )),
            Ok(e) => Err(ApiError::Refused(match e.error.as_str() {
                "access_denied" => "the request was denied in the browser".to_owned(),
                "expired_token" => {
                    "the code expired before it was approved: sign in again".to_owned()
                }
                _ => format!(
                    "the token was refused ({}): {}",
                    e.error,
                    e.error_description.unwrap_or_default()
                ),
            })),
            Err(_) => Err(ApiError::from_status(
                status,
                &body,
                None,
                &self.flow_context(slug),
            )),
        }
    }

    /// An ephemeral, admin-level token from a portal secret (`bkps_...`).
    /// `portal_uuid` is the portal's UUID; `expires_in` in minutes (at most 60).
    pub async fn ephemeral_token(
        &self,
        slug: &str,
        portal_uuid: &str,
        secret: &Secret,
        expires_in: Option<u32>,
    ) -> Result<ShortLivedToken, ApiError> {
        let mut body = json!({
            "grant_type": "client_credentials",
            "client_id": portal_uuid,
            "secret": secret.expose(),
        });
        if let Some(minutes) = expires_in {
            body["expires_in"] = json!(minutes);
        }
        let (status, body) = self.post_json(slug, "tokens", body).await?;
        if (200..300).contains(&status) {
            return decode(status, &body);
        }
        match serde_json::from_slice::<OAuthError>(&body) {
            Ok(e) => Err(ApiError::Refused(format!(
                "no ephemeral token ({}): {}",
                e.error,
                e.error_description.unwrap_or_else(|| snippet(&body))
            ))),
            Err(_) => Err(ApiError::from_status(
                status,
                &body,
                None,
                &self.flow_context(slug),
            )),
        }
    }
}
