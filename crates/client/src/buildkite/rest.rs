//! The portals REST client: `/v2/organizations/{org}/portals`.

use reqwest::Method;
use url::Url;

use super::error::{ApiError, ErrorContext, API_TOKEN_HINT};
use super::http::{
    check_endpoint, decode, next_link, other_server, same_origin, server_said, ClientOptions, Http,
    Notices,
};
use super::portal::{CreatedPortal, NewPortal, Portal, PortalChanges, PortalRecord};
use super::slug::slug_from_name;
use crate::secrets::Secret;

const READ: &str = "read_portals";
const WRITE: &str = "write_portals";
/// The largest page the API serves.
const PER_PAGE: u32 = 100;
/// A guard against a server whose `next` links never end.
const MAX_PAGES: usize = 10_000;

/// What `GET /v2/access-token` says about the token in use.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct AccessToken {
    #[serde(default)]
    pub scopes: Vec<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub user: Option<TokenUser>,
}

#[derive(Debug, Clone, serde::Deserialize)]
pub struct TokenUser {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
}

#[derive(Clone)]
pub struct RestClient {
    http: Http,
    base: Url,
    org: String,
    token: Secret,
}

impl RestClient {
    /// `base` is the REST endpoint, e.g. `https://api.buildkite.com/`.
    pub fn new(
        base: Url,
        org: &str,
        token: Secret,
        options: ClientOptions,
    ) -> Result<Self, ApiError> {
        check_endpoint(&base)?;
        Ok(RestClient {
            http: Http::new(options),
            base,
            org: org.to_owned(),
            token,
        })
    }

    pub fn organization(&self) -> &str {
        &self.org
    }

    /// The REST endpoint it calls.
    pub fn endpoint(&self) -> &Url {
        &self.base
    }

    /// The same client calling with another API token (a sign-in checks a
    /// pasted one, then the app goes on with it).
    pub fn with_token(&self, token: Secret) -> RestClient {
        RestClient {
            token,
            ..self.clone()
        }
    }

    /// Where to say that a call waits on a rate limit.
    pub fn with_notices(mut self, notices: Notices) -> RestClient {
        self.http.set_notices(notices);
        self
    }

    fn portals_url(&self, slug: Option<&str>) -> Url {
        let mut url = self.base.clone();
        if let Ok(mut segments) = url.path_segments_mut() {
            segments
                .pop_if_empty()
                .extend(["v2", "organizations", &self.org, "portals"]);
            if let Some(slug) = slug {
                segments.push(slug);
            }
        }
        url
    }

    fn context(&self, scope: &'static str, slug: Option<&str>) -> ErrorContext {
        let what = match slug {
            Some(slug) => format!("portal `{slug}` in organization `{}`", self.org),
            None => format!("organization `{}`", self.org),
        };
        ErrorContext {
            scope: Some(scope),
            what,
            unauthorized_hint: API_TOKEN_HINT,
            server: other_server(&self.base),
        }
    }

    /// Every portal of the organization, following `Link: rel="next"` to the last page.
    pub async fn list(&self) -> Result<Vec<Portal>, ApiError> {
        let mut all = Vec::new();
        self.list_pages(|page| all.extend(page)).await?;
        Ok(all)
    }

    /// Like [`list`](Self::list), handing over each page as it arrives.
    pub async fn list_pages(&self, on_page: impl FnMut(Vec<Portal>)) -> Result<(), ApiError> {
        self.pages(on_page).await
    }

    /// Every portal with the JSON Buildkite sent for it.
    pub async fn list_records(&self) -> Result<Vec<PortalRecord>, ApiError> {
        let mut all = Vec::new();
        self.pages(|page| all.extend(page)).await?;
        Ok(all)
    }

    async fn pages<T: serde::de::DeserializeOwned>(
        &self,
        mut on_page: impl FnMut(Vec<T>),
    ) -> Result<(), ApiError> {
        let context = self.context(READ, None);
        let mut url = self.portals_url(None);
        url.query_pairs_mut()
            .append_pair("per_page", &PER_PAGE.to_string());
        for _ in 0..MAX_PAGES {
            let request = self.http.request(Method::GET, url.clone(), &self.token);
            let answer = self.http.fetch(request).await?;
            let (headers, body) = self.http.success(answer, &context)?;
            on_page(decode(200, &body)?);
            let next = headers
                .get(reqwest::header::LINK)
                .and_then(|v| v.to_str().ok())
                .and_then(next_link);
            let Some(next) = next else {
                return Ok(());
            };
            let next = url
                .join(next)
                .map_err(|_| ApiError::undecodable(200, next.as_bytes()))?;
            if !same_origin(&next, &self.base) {
                return Err(ApiError::Refused(format!(
                    "the server's next-page link points to another host ({}); stopped so the token is not sent there",
                    next.host_str().unwrap_or("?")
                )));
            }
            url = next;
        }
        Err(ApiError::Refused(format!(
            "stopped after {MAX_PAGES} pages: the server kept sending next-page links"
        )))
    }

    pub async fn get(&self, slug: &str) -> Result<Portal, ApiError> {
        self.get_record(slug).await.map(|record| record.portal)
    }

    /// One portal with the JSON Buildkite sent for it.
    pub async fn get_record(&self, slug: &str) -> Result<PortalRecord, ApiError> {
        let request = self
            .http
            .request(Method::GET, self.portals_url(Some(slug)), &self.token);
        let answer = self.http.fetch(request).await?;
        let (_, body) = self.http.success(answer, &self.context(READ, Some(slug)))?;
        decode(200, &body)
    }

    /// Creates a portal; the answer carries its token, which Buildkite never
    /// shows again. The slug is always sent (made from the name unless
    /// given), so a repeat is refused instead of making a second portal.
    /// When the answer is lost, the portal is read back to say what
    /// happened: `CreatedWithoutToken`, `NotCreated`, or `OutcomeUnknown`.
    pub async fn create(&self, portal: &NewPortal) -> Result<CreatedPortal, ApiError> {
        let mut sent = portal.clone();
        let made_from_name = sent.slug.as_deref().is_none_or(|s| s.trim().is_empty());
        if made_from_name {
            sent.slug = Some(slug_from_name(&sent.name)).filter(|s| !s.is_empty());
        }
        let request = self
            .http
            .request(Method::POST, self.portals_url(None), &self.token)
            .json(&sent);
        let context = self.context(WRITE, None);
        let result = self.http.fetch(request).await.and_then(|answer| {
            let status = answer.status;
            let host = self.base.host_str().unwrap_or("?").to_owned();
            let (_, body) = self.http.success(answer, &context)?;
            // A success whose body is not the portal: its token is lost too.
            decode(status, &body).map_err(|e| ApiError::OutcomeUnknown {
                outcome: String::new(),
                host,
                cause: e.to_string(),
                status: None,
            })
        });
        match (result, sent.slug.clone()) {
            (Ok(created), _) => Ok(created),
            (Err(lost @ ApiError::OutcomeUnknown { .. }), Some(slug)) => {
                Err(self.read_back_after_lost_create(&sent, slug, lost).await)
            }
            (Err(ApiError::Validation { message, server }), Some(slug))
                if made_from_name && may_be_about_the_slug(&message) =>
            {
                Err(ApiError::Validation {
                    message: format!(
                        "{message} (the slug `{slug}` was made from the name; give another slug)"
                    ),
                    server,
                })
            }
            (Err(e), _) => Err(e.may_have(format!(
                "portal \"{}\" may or may not have been created",
                crate::text::sanitize_line(&sent.name)
            ))),
        }
    }

    /// Says what became of a create whose answer was lost, from a read of its slug.
    async fn read_back_after_lost_create(
        &self,
        sent: &NewPortal,
        slug: String,
        lost: ApiError,
    ) -> ApiError {
        let ApiError::OutcomeUnknown {
            host,
            cause,
            status,
            ..
        } = lost
        else {
            return lost;
        };
        // A success status arrived before the body was cut: it was created.
        let accepted = status.is_some_and(|s| (200..300).contains(&s));
        let lost_answer = format!("the answer from {host} was lost: {cause}");
        match self.get(&slug).await {
            Ok(found) if accepted || (found.name == sent.name && found.query == sent.query) => {
                ApiError::CreatedWithoutToken {
                    slug,
                    portal: Some(Box::new(found)),
                }
            }
            Ok(_) => ApiError::NotCreated {
                reason: format!(
                    "{lost_answer}, and the slug `{slug}` belongs to another portal: give another slug"
                ),
                slug,
            },
            Err(_) if accepted => ApiError::CreatedWithoutToken {
                slug,
                portal: None,
            },
            Err(ApiError::NotFound { .. }) => ApiError::NotCreated {
                reason: format!(
                    "{lost_answer}, and {} has no portal `{slug}`; trying again is safe",
                    server_said(other_server(&self.base).as_deref())
                ),
                slug,
            },
            Err(read) => ApiError::OutcomeUnknown {
                outcome: format!(
                    "portal `{slug}` may or may not have been created (reading it back failed: {read})"
                ),
                host,
                cause,
                status,
            },
        }
    }

    /// Sends only the given changes (`PortalChanges::diff` keeps what differs).
    pub async fn update(&self, slug: &str, changes: &PortalChanges) -> Result<Portal, ApiError> {
        self.update_record(slug, changes)
            .await
            .map(|record| record.portal)
    }

    /// Like [`update`](Self::update), with the JSON Buildkite sent back.
    pub async fn update_record(
        &self,
        slug: &str,
        changes: &PortalChanges,
    ) -> Result<PortalRecord, ApiError> {
        let request = self
            .http
            .request(Method::PUT, self.portals_url(Some(slug)), &self.token)
            .json(changes);
        let answer = self.http.fetch(request).await.map_err(|e| {
            e.may_have(format!(
                "the change to portal `{slug}` may or may not have been saved"
            ))
        })?;
        let (_, body) = self
            .http
            .success(answer, &self.context(WRITE, Some(slug)))?;
        decode(200, &body)
    }

    /// The token's scopes and owner (no scope needed).
    pub async fn access_token(&self) -> Result<AccessToken, ApiError> {
        let mut url = self.base.clone();
        if let Ok(mut segments) = url.path_segments_mut() {
            segments.pop_if_empty().extend(["v2", "access-token"]);
        }
        let request = self.http.request(Method::GET, url, &self.token);
        let answer = self.http.fetch(request).await?;
        let context = ErrorContext {
            scope: None,
            what: "the API token".into(),
            unauthorized_hint: API_TOKEN_HINT,
            server: other_server(&self.base),
        };
        let (_, body) = self.http.success(answer, &context)?;
        decode(200, &body)
    }

    pub async fn delete(&self, slug: &str) -> Result<(), ApiError> {
        let request = self
            .http
            .request(Method::DELETE, self.portals_url(Some(slug)), &self.token);
        let answer =
            self.http.fetch(request).await.map_err(|e| {
                e.may_have(format!("portal `{slug}` may or may not have been deleted"))
            })?;
        self.http
            .success(answer, &self.context(WRITE, Some(slug)))?;
        Ok(())
    }
}

/// Whether a refused create may be about its slug: the answer names the
/// slug, or does not say what failed (a cut answer, say). An error about
/// another field gets no hint about the slug.
fn may_be_about_the_slug(message: &str) -> bool {
    let lower = message.to_lowercase();
    let reason = lower
        .rsplit_once("validation failed:")
        .map(|(_, reason)| reason.trim_matches(|c: char| c.is_whitespace() || "\"}".contains(c)));
    lower.contains("slug") || reason.is_some_and(str::is_empty)
}

#[cfg(test)]
mod slug_hint_tests {
    use super::may_be_about_the_slug;

    #[test]
    fn only_an_error_that_may_be_about_the_slug_gets_the_hint() {
        assert!(may_be_about_the_slug(
            "Validation failed: Slug has already been taken"
        ));
        assert!(may_be_about_the_slug(
            r#"Unprocessable Entity: {"message":"Validation failed:"#
        ));
        assert!(!may_be_about_the_slug(
            "Validation failed: Allowed ip addresses contains `10.0.0.0/33`, which is not a valid CIDR block"
        ));
        assert!(!may_be_about_the_slug("Name can't be blank"));
    }
}
