//! The page a user approves a sign-in code on (`authorization_url`). As at
//! Buildkite, the approver signs in first, as a member of the organization
//! (the sandbox offers its seeded users), and approves as that member.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Form, Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};

use super::state::{random_hex, User};
use super::Shared;

/// The cookie that keeps an approver signed in.
const SESSION_COOKIE: &str = "bk_sandbox_session";

fn page(status: StatusCode, html: String) -> Response {
    (status, Html(html)).into_response()
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The member a request's session cookie signs in, if any.
fn signed_in(shared: &Shared, headers: &HeaderMap) -> Option<User> {
    let session = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| pair.trim().strip_prefix(&format!("{SESSION_COOKIE}=")))?
        .to_owned();
    let user = shared.sessions().get(&session).cloned()?;
    shared.world().user(&user).cloned()
}

/// `GET /authorize/{code}`: signs the visitor in first, then asks to approve.
pub async fn authorize_page(
    State(shared): State<Arc<Shared>>,
    Path(code): Path<String>,
    headers: HeaderMap,
) -> Response {
    let approver = signed_in(&shared, &headers);
    let world = shared.world();
    let Some(found) = world.codes.iter().find(|c| c.code == code) else {
        return page(
            StatusCode::NOT_FOUND,
            "<h1>Unknown or expired code</h1>".into(),
        );
    };
    let portal = world
        .portals
        .iter()
        .find(|p| p.uuid == found.portal_uuid)
        .map(|p| html_escape(&p.name))
        .unwrap_or_default();
    let code = html_escape(&code);
    let head = format!(
        "<!doctype html><title>Approve portal access</title><h1>Run “{portal}” as you?</h1>\
         <p>Code <b>{code}</b> asks for a portal token that acts with your permissions.</p>"
    );
    let Some(approver) = approver else {
        let members: String = world
            .users
            .iter()
            .map(|u| {
                format!(
                    "<option value=\"{}\">{} ({})</option>",
                    html_escape(&u.email),
                    html_escape(&u.name),
                    html_escape(&u.role)
                )
            })
            .collect();
        return page(
            StatusCode::OK,
            format!(
                "{head}<form method=post action=\"/sign-in\"><input type=hidden name=next value=\"/authorize/{code}\">\
                 <label>Sign in to {} as <select name=email>{members}</select></label> <button>Sign in</button></form>",
                html_escape(&world.organization.name)
            ),
        );
    };
    page(
        StatusCode::OK,
        format!(
            "{head}<p>Signed in as {} ({})</p><form method=post action=\"/authorize/{code}/approve\"><button>Approve</button></form>\
             <form method=post action=\"/authorize/{code}/deny\"><button>Deny</button></form>",
            html_escape(&approver.name),
            html_escape(&approver.email)
        ),
    )
}

/// `POST /sign-in` (form `email`, `next`): a session for that member, then
/// back to the approval page. No email signs in the first administrator.
pub async fn sign_in(
    State(shared): State<Arc<Shared>>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let email = form
        .get("email")
        .map(|e| e.trim())
        .filter(|e| !e.is_empty());
    let member = {
        let world = shared.world();
        match email {
            Some(email) => world
                .users
                .iter()
                .find(|u| u.email.eq_ignore_ascii_case(email)),
            None => world.users.iter().find(|u| u.role == "admin"),
        }
        .map(|u| u.uuid.clone())
    };
    let Some(member) = member else {
        return page(
            StatusCode::UNPROCESSABLE_ENTITY,
            "<h1>No member of this organization has that email</h1>".into(),
        );
    };
    let session = random_hex(16);
    shared.sessions().insert(session.clone(), member);
    // Only back to an approval page of this sandbox: never an address from the form.
    let next = form
        .get("next")
        .filter(|n| n.starts_with("/authorize/") && !n.contains("//"))
        .cloned()
        .unwrap_or_else(|| "/".to_owned());
    let mut response = (StatusCode::SEE_OTHER, "").into_response();
    let cookie = format!("{SESSION_COOKIE}={session}; Path=/; HttpOnly; SameSite=Lax");
    for (name, value) in [(header::SET_COOKIE, cookie), (header::LOCATION, next)] {
        if let Ok(value) = HeaderValue::from_str(&value) {
            response.headers_mut().insert(name, value);
        }
    }
    response
}

/// `POST /authorize/{code}/approve`, signed in.
pub async fn approve(
    State(shared): State<Arc<Shared>>,
    Path(code): Path<String>,
    headers: HeaderMap,
) -> Response {
    decide(&shared, &code, &headers, true)
}

/// `POST /authorize/{code}/deny`, signed in.
pub async fn deny(
    State(shared): State<Arc<Shared>>,
    Path(code): Path<String>,
    headers: HeaderMap,
) -> Response {
    decide(&shared, &code, &headers, false)
}

fn decide(shared: &Shared, code: &str, headers: &HeaderMap, approve: bool) -> Response {
    let Some(approver) = signed_in(shared, headers) else {
        return page(
            StatusCode::UNAUTHORIZED,
            format!(
                "<h1>Sign in first</h1><p>Open <a href=\"/authorize/{0}\">/authorize/{0}</a> and sign in as a member of the organization.</p>",
                html_escape(code)
            ),
        );
    };
    let mut world = shared.world();
    let now = Instant::now();
    let Some(found) = world
        .codes
        .iter_mut()
        .find(|c| c.code == code && c.expires > now)
    else {
        return page(
            StatusCode::NOT_FOUND,
            "<h1>Unknown or expired code</h1>".into(),
        );
    };
    if approve {
        found.approved_by = Some(approver.uuid.clone());
        tracing::info!("code {code} approved as {}", approver.name);
        page(
            StatusCode::OK,
            format!(
                "<h1>Approved as {}</h1><p>You can close this tab.</p>",
                html_escape(&approver.name)
            ),
        )
    } else {
        found.denied = true;
        page(StatusCode::OK, "<h1>Denied</h1>".into())
    }
}
