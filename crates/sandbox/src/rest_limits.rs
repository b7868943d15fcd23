//! The REST API's two rate limits (the organization's and the user's
//! requests a minute), counted for every `/v2` request before its handler,
//! with their headers on every answer: 2xx, 400, 401, 403, 404, 422 and 429.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;

use super::rate_answers::{set_headers, too_many, Scope};
use super::rest::bearer;
use super::Shared;

/// The organization's REST counter (the sandbox has one organization).
const ORG_KEY: &str = "rest";

pub async fn count(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    if !request.uri().path().starts_with("/v2/") {
        return next.run(request).await;
    }
    let user = {
        let world = shared.world();
        bearer(request.headers())
            .and_then(|t| world.token(t))
            .map(|t| t.user.clone())
    };
    let now = Instant::now();
    let mut headers = HeaderMap::new();
    {
        let mut limits = shared.limits();
        match &user {
            Some(user) => {
                let org = limits.org.hit(ORG_KEY, now);
                let mine = limits.user.hit(user, now);
                set_headers(&mut headers, Scope::Rest, &org);
                set_headers(&mut headers, Scope::RestUser, &mine);
                if org.exceeded() {
                    return too_many(Scope::Rest, &org, headers);
                }
                if mine.exceeded() {
                    return too_many(Scope::RestUser, &mine, headers);
                }
            }
            // No user to count against: the organization's standing, uncounted.
            None => set_headers(&mut headers, Scope::Rest, &limits.org.peek(ORG_KEY, now)),
        }
    }
    let mut response = next.run(request).await;
    for (name, value) in headers.iter() {
        response.headers_mut().insert(name.clone(), value.clone());
    }
    response
}
