//! Checking a portal token without running the portal's document.

use serde_json::json;

use super::error::ApiError;
use super::invoke::PortalClient;
use crate::secrets::Secret;

/// An operation name no document defines: the portal checks the token (and
/// the caller's address) first, then refuses the name, so nothing runs.
const PROBE_OPERATION: &str = "__bkportals_token_check";

/// What the portal said about a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenCheck {
    /// The portal took the token (and refused the probe's operation name).
    Accepted,
    /// The portal does not take calls from this address, so the token could
    /// not be checked from here: the portal's message.
    AddressRefused(String),
}

impl PortalClient {
    /// Sends the token to the portal with an operation name the document
    /// cannot hold. A wrong token is `ApiError::Unauthorized`, an unknown
    /// portal `ApiError::NotFound`.
    pub async fn check_token(&self, slug: &str, token: &Secret) -> Result<TokenCheck, ApiError> {
        let answer = self
            .invoke(slug, Some(PROBE_OPERATION), &json!({}), token)
            .await?;
        if answer.status == 403 {
            let message = answer
                .graphql
                .and_then(|g| g.errors.into_iter().next())
                .map(|e| e.message)
                .unwrap_or_else(|| "HTTP 403".to_owned());
            return Ok(TokenCheck::AddressRefused(message));
        }
        Ok(TokenCheck::Accepted)
    }
}
