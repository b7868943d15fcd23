//! One GraphQL request, from `/v1` or a portal, through the rules Buildkite
//! applies around execution: variables coerced first (nothing runs when one
//! does not fit), then the engine (`graphql::execute`).

use std::sync::Arc;

use axum::http::{HeaderMap, HeaderValue, StatusCode};
use serde_json::{json, Value};

use std::time::Instant;

use super::complexity::complexity;
use super::limits::Usage;
use super::rate_answers::{limited_body, set_headers, Scope};
use super::request_rules::{select_operation, variable_errors};
use super::Shared;

/// Who runs a document: the user it runs as, and whether with admin-level
/// permissions (portal and ephemeral tokens).
pub struct Runner {
    pub viewer: String,
    pub admin: bool,
    /// `Buildkite-Include-Query-Stats: true`: complexity in the body too.
    pub include_stats: bool,
    /// Whether the answer's `RateLimit-*` headers are the complexity budgets'
    /// (GraphQL's); a portal's are its request limit's.
    pub budget_headers: bool,
}

impl Runner {
    pub fn wants_stats(headers: &HeaderMap) -> bool {
        headers
            .get("buildkite-include-query-stats")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
    }
}

/// A request's answer: its status, extra headers and JSON body.
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Answer {
    fn ok(body: Value) -> Answer {
        Answer {
            status: StatusCode::OK,
            headers: HeaderMap::new(),
            body,
        }
    }
}

impl axum::response::IntoResponse for Answer {
    fn into_response(self) -> axum::response::Response {
        (self.status, self.headers, axum::Json(self.body)).into_response()
    }
}

/// The organization's complexity budget (one, as the sandbox has one organization).
const ORG_BUDGET: &str = "graphql";

/// Counts `points` against the organization's budget and `user`'s: where each stands.
fn spend(shared: &Shared, user: Option<&str>, points: u64) -> Vec<(Scope, Usage)> {
    let now = Instant::now();
    let points = u32::try_from(points).unwrap_or(u32::MAX);
    let mut limits = shared.limits();
    let mut budgets = vec![(
        Scope::Graphql,
        limits.graphql_org.spend(ORG_BUDGET, now, points),
    )];
    if let Some(user) = user {
        budgets.push((
            Scope::GraphqlUser,
            limits.graphql_user.spend(user, now, points),
        ));
    }
    budgets
}

/// The 429 when the organization's or `user`'s budget is spent: nothing runs.
fn spent_budget(shared: &Shared, user: Option<&str>, with_headers: bool) -> Option<Answer> {
    let budgets = spend(shared, user, 0);
    let (scope, usage) = budgets.iter().find(|(_, u)| u.current >= u.limit)?;
    let mut headers = HeaderMap::new();
    if with_headers {
        for (each, standing) in &budgets {
            set_headers(&mut headers, *each, standing);
        }
    }
    Some(Answer {
        status: StatusCode::TOO_MANY_REQUESTS,
        headers,
        body: limited_body(*scope, usage),
    })
}

/// Runs `document` as `runner` unless a rule refuses it first.
pub async fn run(
    shared: &Arc<Shared>,
    runner: Runner,
    document: &str,
    operation: Option<&str>,
    variables: serde_json::Map<String, Value>,
) -> Answer {
    // A document that does not parse, or names no operation it has, is the
    // engine's to answer: it words those errors itself.
    // Without the schema's types (it failed to load) the engine reports that too.
    let types = super::type_index::published().await.as_ref().ok();
    let parsed = async_graphql::parser::parse_query(document).ok();
    let selected = match (types, parsed.as_ref()) {
        (Some(types), Some(doc)) => select_operation(doc, operation).map(|op| (types, doc, op)),
        _ => None,
    };
    let mut requested = 0;
    if let Some((types, parsed, selected)) = selected {
        let errors = variable_errors(types, selected, &variables);
        if !errors.is_empty() {
            return Answer::ok(json!({ "errors": errors }));
        }
        requested = complexity(types, parsed, selected, &variables, None);
        if requested > shared.max_complexity {
            return Answer::ok(json!({ "errors": [{ "message": format!(
                "Query has complexity of {requested}, which exceeds max complexity of {}",
                shared.max_complexity
            ) }] }));
        }
    }
    let user = (!runner.admin).then(|| runner.viewer.clone());
    if let Some(limited) = spent_budget(shared, user.as_deref(), runner.budget_headers) {
        return limited;
    }
    let budget_headers = runner.budget_headers;
    let include_stats = runner.include_stats;
    let response = super::graphql::execute(
        shared,
        runner.viewer,
        runner.admin,
        document,
        operation,
        Value::Object(variables.clone()),
    )
    .await;
    let mut body = serde_json::to_value(&response).unwrap_or_else(|e| {
        json!({ "errors": [{ "message": format!("the sandbox could not encode its answer: {e}") }] })
    });
    let actual = match (selected, body.get("data")) {
        (Some((types, parsed, selected)), Some(data)) => {
            complexity(types, parsed, selected, &variables, Some(data))
        }
        _ => 0,
    };
    let mut answer = Answer::ok(Value::Null);
    let budgets = spend(shared, user.as_deref(), actual);
    if budget_headers {
        for (scope, usage) in &budgets {
            set_headers(&mut answer.headers, *scope, usage);
        }
    }
    for (name, value) in [
        ("ratelimit-complexity-requested", requested),
        ("ratelimit-complexity-actual", actual),
    ] {
        answer.headers.insert(name, HeaderValue::from(value));
    }
    if include_stats {
        body["stats"] = json!({ "requestedComplexity": requested, "actualComplexity": actual });
    }
    answer.body = body;
    answer
}
