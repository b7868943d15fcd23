//! The portals REST API as Buildkite documents it: bearer tokens with scopes,
//! pagination with `Link` headers, 4xx bodies with `message` (rate limits: `rest_limits`).

// Handlers return `Result<_, Response>`, axum's idiom; the size of the error is not a concern here.
#![allow(clippy::result_large_err)]

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

use super::state::{new_portal_token, now_timestamp, slugify, ApiToken, PortalRecord, World};
use super::Shared;

type Reply = Result<Response, Response>;

/// Buildkite's answer to a missing or unknown API token.
pub(crate) const AUTHENTICATION_REQUIRED: &str = "Authentication required. Please supply a valid API Access Token: https://buildkite.com/docs/apis/rest-api#authentication";

pub(crate) fn message(status: StatusCode, text: impl Into<String>) -> Response {
    (status, Json(json!({ "message": text.into() }))).into_response()
}

pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get("authorization")?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// Checks the API token and its scope (`rest_limits` has counted the request
/// and adds the rate-limit headers to whatever this handler answers).
pub(crate) fn authorize(
    shared: &Shared,
    headers: &HeaderMap,
    scope: &str,
) -> Result<ApiToken, Response> {
    let token = {
        let world = shared.world();
        bearer(headers).and_then(|t| world.token(t)).cloned()
    };
    let Some(token) = token else {
        return Err(message(StatusCode::UNAUTHORIZED, AUTHENTICATION_REQUIRED));
    };
    if !token.scopes.iter().any(|s| s == scope) {
        return Err(message(
            StatusCode::FORBIDDEN,
            format!(
                "Your access token does not have the `{scope}` scope required for this request"
            ),
        ));
    }
    Ok(token)
}

fn check_org(world: &World, org: &str) -> Result<(), Response> {
    if world.organization.slug == org {
        Ok(())
    } else {
        Err(message(StatusCode::NOT_FOUND, "No organization found"))
    }
}

fn portal_not_found() -> Response {
    message(StatusCode::NOT_FOUND, "Not Found")
}

/// A portal as the REST API shows it (`token` only on create).
fn portal_json(world: &World, portal: &PortalRecord, with_token: bool) -> Value {
    let created_by = world.user(&portal.created_by).map(|u| {
        json!({
            "id": u.uuid,
            "graphql_id": super::graphql::global_id("User", &u.uuid),
            "name": u.name,
            "email": u.email,
            "avatar_url": format!("https://www.gravatar.com/avatar/{}", u.uuid.replace('-', "")),
            "created_at": u.created_at,
        })
    });
    let mut value = json!({
        "uuid": portal.uuid,
        "slug": portal.slug,
        "organization_uuid": world.organization.uuid,
        "name": portal.name,
        "description": portal.description,
        "query": portal.query,
        "created_at": portal.created_at,
        "created_by": created_by,
        "allowed_ip_addresses": portal.allowed_ip_addresses,
        "user_invokable": portal.user_invokable,
    });
    if with_token {
        value["token"] = json!(portal.tokens.first().map(|t| t.value.as_str()));
    }
    value
}

pub async fn root() -> Response {
    Json(json!({ "message": "🛠", "timestamp": chrono::Utc::now().timestamp() })).into_response()
}

pub async fn not_found() -> Response {
    message(StatusCode::NOT_FOUND, "Not Found")
}

pub async fn access_token(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Reply {
    let world = shared.world();
    let token = bearer(&headers)
        .and_then(|t| world.token(t))
        .ok_or_else(|| message(StatusCode::UNAUTHORIZED, AUTHENTICATION_REQUIRED))?;
    let user = world.user(&token.user);
    Ok(Json(json!({
        "uuid": uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, token.token.as_bytes()),
        "scopes": token.scopes,
        "description": token.description,
        "created_at": "2024-01-01 00:00:00 UTC",
        "expires_at": null,
        "user": user.map(|u| json!({ "name": u.name, "email": u.email })),
    }))
    .into_response())
}

/// `DELETE /v2/access-token`: the token that signs the request stops working.
pub async fn revoke_access_token(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Reply {
    let mut world = shared.world();
    let token = bearer(&headers)
        .filter(|t| world.token(t).is_some())
        .ok_or_else(|| message(StatusCode::UNAUTHORIZED, AUTHENTICATION_REQUIRED))?
        .to_owned();
    world.api_tokens.retain(|t| t.token != token);
    tracing::info!("an API token was revoked");
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub async fn list(
    State(shared): State<Arc<Shared>>,
    Path(org): Path<String>,
    Query(params): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Reply {
    authorize(&shared, &headers, "read_portals")?;
    let world = shared.world();
    check_org(&world, &org)?;
    let number = |name: &str, default: usize| {
        params
            .get(name)
            .and_then(|v| v.parse::<usize>().ok())
            .filter(|n| *n >= 1)
            .unwrap_or(default)
    };
    let page = number("page", 1);
    let per_page = number("per_page", 30).min(100);
    let total = world.portals.len();
    let last_page = total.div_ceil(per_page).max(1);
    let items: Vec<Value> = world
        .portals
        .iter()
        .skip((page - 1).saturating_mul(per_page))
        .take(per_page)
        .map(|p| portal_json(&world, p, false))
        .collect();

    let link = |n: usize, rel: &str| {
        format!(
            "<{}/v2/organizations/{org}/portals?page={n}&per_page={per_page}>; rel=\"{rel}\"",
            shared.base_url
        )
    };
    let mut links = Vec::new();
    if page < last_page {
        links.push(link(page + 1, "next"));
        links.push(link(last_page, "last"));
    }
    if page > 1 {
        links.push(link(1, "first"));
        links.push(link((page - 1).min(last_page), "prev"));
    }
    let mut response = Json(items).into_response();
    if let Ok(value) = HeaderValue::from_str(&links.join(", ")) {
        if !links.is_empty() {
            response.headers_mut().insert("link", value);
        }
    }
    Ok(response)
}

pub async fn show(
    State(shared): State<Arc<Shared>>,
    Path((org, slug)): Path<(String, String)>,
    headers: HeaderMap,
) -> Reply {
    authorize(&shared, &headers, "read_portals")?;
    let world = shared.world();
    check_org(&world, &org)?;
    let portal = world.portal(&slug).ok_or_else(portal_not_found)?;
    Ok(Json(portal_json(&world, portal, false)).into_response())
}

/// The fields a create or update may carry, checked for type.
struct Fields(Map<String, Value>);

impl Fields {
    fn parse(body: &Bytes) -> Result<Fields, Response> {
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(map)) => Ok(Fields(map)),
            _ => Err(message(StatusCode::BAD_REQUEST, "Problems parsing JSON")),
        }
    }

    /// `Ok(None)` when absent; null and "" clear optional text fields.
    fn text(&self, name: &str) -> Result<Option<Option<String>>, Response> {
        match self.0.get(name) {
            None => Ok(None),
            Some(Value::Null) => Ok(Some(None)),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(Some(None)),
            Some(Value::String(s)) => Ok(Some(Some(s.clone()))),
            Some(_) => Err(invalid(format!("{} must be a string", human(name)))),
        }
    }

    fn boolean(&self, name: &str) -> Result<Option<bool>, Response> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(invalid(format!("{} must be true or false", human(name)))),
        }
    }
}

fn human(field: &str) -> String {
    let mut text = field.replace('_', " ");
    if let Some(first) = text.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    text
}

fn invalid(reason: impl AsRef<str>) -> Response {
    message(
        StatusCode::UNPROCESSABLE_ENTITY,
        format!("Validation failed: {}", reason.as_ref()),
    )
}

fn validate_query(query: &str) -> Result<(), Response> {
    async_graphql::parser::parse_query(query)
        .map(|_| ())
        .map_err(|e| invalid(format!("Query is invalid: {e}")))
}

fn validate_cidrs(list: &str) -> Result<(), Response> {
    for cidr in list.split_whitespace() {
        if cidr.parse::<ipnet::IpNet>().is_err() && cidr.parse::<std::net::IpAddr>().is_err() {
            return Err(invalid(format!(
                "Allowed ip addresses contains `{cidr}`, which is not a valid CIDR block"
            )));
        }
    }
    Ok(())
}

fn validate_slug(slug: &str) -> Result<(), Response> {
    let ok = !slug.is_empty()
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !slug.starts_with('-')
        && !slug.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(invalid(
            "Slug is invalid (use lowercase letters, digits and dashes)",
        ))
    }
}

pub async fn create(
    State(shared): State<Arc<Shared>>,
    Path(org): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Reply {
    let token = authorize(&shared, &headers, "write_portals")?;
    let fields = Fields::parse(&body)?;
    let name = fields.text("name")?.flatten();
    let query = fields.text("query")?.flatten();
    let slug = fields.text("slug")?.flatten();
    let description = fields.text("description")?.flatten();
    let allowed = fields.text("allowed_ip_addresses")?.flatten();
    let user_invokable = fields.boolean("user_invokable")?.unwrap_or(false);

    let mut world = shared.world();
    check_org(&world, &org)?;
    let name = name.ok_or_else(|| invalid("Name can't be blank"))?;
    let query = query.ok_or_else(|| invalid("Query can't be blank"))?;
    validate_query(&query)?;
    if let Some(allowed) = &allowed {
        validate_cidrs(allowed)?;
    }
    let slug = match slug {
        Some(slug) => {
            validate_slug(&slug)?;
            if world.portal(&slug).is_some() {
                return Err(invalid("Slug has already been taken"));
            }
            slug
        }
        None => {
            let base = slugify(&name);
            if base.is_empty() {
                return Err(invalid(
                    "Slug can't be generated from this name; give a slug",
                ));
            }
            world.unique_slug(&base)
        }
    };
    let record = PortalRecord {
        uuid: uuid::Uuid::new_v4().to_string(),
        slug,
        name,
        description,
        query,
        allowed_ip_addresses: allowed,
        user_invokable,
        created_at: now_timestamp(),
        created_by: token.user.clone(),
        tokens: vec![new_portal_token()],
        secrets: Vec::new(),
    };
    let body = portal_json(&world, &record, true);
    tracing::info!("created portal {}", record.slug);
    world.portals.push(record);
    shared.persist(&world);
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

pub async fn update(
    State(shared): State<Arc<Shared>>,
    Path((org, slug)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Reply {
    authorize(&shared, &headers, "write_portals")?;
    let fields = Fields::parse(&body)?;
    let mut world = shared.world();
    check_org(&world, &org)?;
    let index = world
        .portals
        .iter()
        .position(|p| p.slug == slug)
        .ok_or_else(portal_not_found)?;
    let mut portal = world.portals[index].clone();
    if let Some(name) = fields.text("name")? {
        portal.name = name.ok_or_else(|| invalid("Name can't be blank"))?;
    }
    if let Some(query) = fields.text("query")? {
        let query = query.ok_or_else(|| invalid("Query can't be blank"))?;
        validate_query(&query)?;
        portal.query = query;
    }
    if let Some(new_slug) = fields.text("slug")? {
        let new_slug = new_slug.ok_or_else(|| invalid("Slug can't be blank"))?;
        validate_slug(&new_slug)?;
        if new_slug != slug && world.portal(&new_slug).is_some() {
            return Err(invalid("Slug has already been taken"));
        }
        portal.slug = new_slug;
    }
    if let Some(description) = fields.text("description")? {
        portal.description = description;
    }
    if let Some(allowed) = fields.text("allowed_ip_addresses")? {
        if let Some(list) = &allowed {
            validate_cidrs(list)?;
        }
        portal.allowed_ip_addresses = allowed;
    }
    if let Some(user_invokable) = fields.boolean("user_invokable")? {
        portal.user_invokable = user_invokable;
    }
    let body = portal_json(&world, &portal, false);
    world.portals[index] = portal;
    shared.persist(&world);
    Ok(Json(body).into_response())
}

pub async fn delete(
    State(shared): State<Arc<Shared>>,
    Path((org, slug)): Path<(String, String)>,
    headers: HeaderMap,
) -> Reply {
    authorize(&shared, &headers, "write_portals")?;
    let mut world = shared.world();
    check_org(&world, &org)?;
    let index = world
        .portals
        .iter()
        .position(|p| p.slug == slug)
        .ok_or_else(portal_not_found)?;
    world.portals.remove(index);
    shared.persist(&world);
    tracing::info!("deleted portal {slug}");
    Ok(StatusCode::NO_CONTENT.into_response())
}
