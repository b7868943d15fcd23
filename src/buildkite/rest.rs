//! The portals REST client: `/v2/organizations/{org}/portals`.

use reqwest::Method;
use url::Url;

use super::error::{ApiError, ErrorContext, API_TOKEN_HINT};
use super::http::{check_endpoint, decode, next_link, same_origin, ClientOptions, Http};
use super::portal::{CreatedPortal, NewPortal, Portal, PortalChanges};
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
        }
    }

    /// Every portal of the organization, following `Link: rel="next"` to the last page.
    pub async fn list(&self) -> Result<Vec<Portal>, ApiError> {
        let mut all = Vec::new();
        self.list_pages(|page| all.extend(page)).await?;
        Ok(all)
    }

    /// Like [`list`](Self::list), handing over each page as it arrives.
    pub async fn list_pages(&self, mut on_page: impl FnMut(Vec<Portal>)) -> Result<(), ApiError> {
        let context = self.context(READ, None);
        let mut url = self.portals_url(None);
        url.query_pairs_mut()
            .append_pair("per_page", &PER_PAGE.to_string());
        for _ in 0..MAX_PAGES {
            let request = self.http.request(Method::GET, url.clone(), &self.token);
            let response = self.http.send(request).await?;
            let (headers, body) = self.http.success_body(response, &context).await?;
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
        let request = self
            .http
            .request(Method::GET, self.portals_url(Some(slug)), &self.token);
        let response = self.http.send(request).await?;
        let (_, body) = self
            .http
            .success_body(response, &self.context(READ, Some(slug)))
            .await?;
        decode(200, &body)
    }

    /// Creates a portal; the answer carries its token, which Buildkite never shows again.
    pub async fn create(&self, portal: &NewPortal) -> Result<CreatedPortal, ApiError> {
        let request = self
            .http
            .request(Method::POST, self.portals_url(None), &self.token)
            .json(portal);
        let response = self.http.send(request).await?;
        let (_, body) = self
            .http
            .success_body(response, &self.context(WRITE, None))
            .await?;
        decode(201, &body)
    }

    /// Sends only the given changes (`PortalChanges::diff` keeps what differs).
    pub async fn update(&self, slug: &str, changes: &PortalChanges) -> Result<Portal, ApiError> {
        let request = self
            .http
            .request(Method::PUT, self.portals_url(Some(slug)), &self.token)
            .json(changes);
        let response = self.http.send(request).await?;
        let (_, body) = self
            .http
            .success_body(response, &self.context(WRITE, Some(slug)))
            .await?;
        decode(200, &body)
    }

    /// The token's scopes and owner (no scope needed).
    pub async fn access_token(&self) -> Result<AccessToken, ApiError> {
        let mut url = self.base.clone();
        if let Ok(mut segments) = url.path_segments_mut() {
            segments.pop_if_empty().extend(["v2", "access-token"]);
        }
        let request = self.http.request(Method::GET, url, &self.token);
        let response = self.http.send(request).await?;
        let context = ErrorContext {
            scope: None,
            what: "the API token".into(),
            unauthorized_hint: API_TOKEN_HINT,
        };
        let (_, body) = self.http.success_body(response, &context).await?;
        decode(200, &body)
    }

    pub async fn delete(&self, slug: &str) -> Result<(), ApiError> {
        let request = self
            .http
            .request(Method::DELETE, self.portals_url(Some(slug)), &self.token);
        let response = self.http.send(request).await?;
        self.http
            .success_body(response, &self.context(WRITE, Some(slug)))
            .await?;
        Ok(())
    }
}
