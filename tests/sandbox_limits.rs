//! The sandbox's limits over real HTTP: GraphQL complexity budgets (the
//! organization's and the user's) with their 429s and headers, the same on
//! portal calls, REST rate-limit headers on every answer, the portal limit on
//! `/codes` and `/tokens`, and `--faults 429=N` answers shaped like the real ones.

mod common;

use bkportals::sandbox::{FaultSpec, RunningSandbox, SandboxOptions};
use common::*;
use reqwest::header::HeaderMap;
use serde_json::{json, Value};

const RECENT_PIPELINE_SLUGS: &str = "query RecentPipelineSlugs {
  organization(slug: \"demo\") { pipelines(first: 500) { edges { node { slug } } } }
}";

async fn post(url: String, token: &str, body: Value) -> (u16, HeaderMap, Value) {
    let response = reqwest::Client::new()
        .post(url)
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let (status, headers) = (response.status().as_u16(), response.headers().clone());
    (status, headers, response.json().await.unwrap())
}

async fn graphql(sandbox: &RunningSandbox, query: &str) -> (u16, HeaderMap, Value) {
    post(
        sandbox.graphql_endpoint(),
        &sandbox.api_token,
        json!({ "query": query }),
    )
    .await
}

fn number(headers: &HeaderMap, name: &str) -> u64 {
    headers[name].to_str().unwrap().parse().unwrap()
}

#[tokio::test]
async fn graphql_answers_carry_both_complexity_budgets() {
    let sandbox = sandbox().await;
    let (status, headers, _) = graphql(&sandbox, RECENT_PIPELINE_SLUGS).await;
    assert_eq!(status, 200);
    let actual = number(&headers, "ratelimit-complexity-actual");
    assert_eq!(number(&headers, "ratelimit-limit"), 20_000);
    assert_eq!(number(&headers, "ratelimit-remaining"), 20_000 - actual);
    assert_eq!(number(&headers, "ratelimit-user-limit"), 5_000);
    assert_eq!(number(&headers, "ratelimit-user-remaining"), 5_000 - actual);
    assert!(number(&headers, "ratelimit-reset") <= 300);
    assert!(number(&headers, "ratelimit-user-reset") <= 300);
}

/// Runs the docs' query until the budget refuses it: the 429 and its headers.
async fn spend_until_refused(sandbox: &RunningSandbox) -> (HeaderMap, Value) {
    for _ in 0..10 {
        let (status, headers, body) = graphql(sandbox, RECENT_PIPELINE_SLUGS).await;
        if status == 429 {
            return (headers, body);
        }
        assert_eq!(status, 200, "{body}");
    }
    panic!("the budget never ran out");
}

#[tokio::test]
async fn a_spent_user_budget_answers_the_documented_429() {
    let sandbox = sandbox_with(SandboxOptions {
        user_complexity_points: 10,
        ..SandboxOptions::default()
    })
    .await;
    let (headers, body) = spend_until_refused(&sandbox).await;
    assert_eq!(number(&headers, "ratelimit-user-remaining"), 0);
    let reset = number(&headers, "ratelimit-user-reset");
    assert_eq!(
        body,
        json!({ "errors": [{ "message": format!(
            "You have exceeded your per-user limit of 10 complexity points. Please try again in {reset} seconds."
        ) }] })
    );
}

#[tokio::test]
async fn a_spent_organization_budget_answers_the_documented_429_on_portals_too() {
    let sandbox = sandbox_with(SandboxOptions {
        org_complexity_points: 10,
        ..SandboxOptions::default()
    })
    .await;
    let (headers, body) = spend_until_refused(&sandbox).await;
    assert_eq!(number(&headers, "ratelimit-remaining"), 0);
    let reset = number(&headers, "ratelimit-reset");
    let expected = format!(
        "Your organization has exceeded the limit of 10 complexity points. Please try again in {reset} seconds."
    );
    assert_eq!(body, json!({ "errors": [{ "message": expected }] }));

    // A portal call counts against the same organization.
    let url = format!("{}organizations/demo/portals/who-am-i", sandbox.base_url());
    let token = portal_token(&sandbox, "who-am-i");
    let (status, headers, body) = post(url, token.expose(), json!({})).await;
    assert_eq!(status, 429);
    assert!(body["errors"][0]["message"]
        .as_str()
        .unwrap()
        .starts_with("Your organization has exceeded the limit of 10 complexity points."));
    assert_eq!(
        headers["ratelimit-scope"], "portal",
        "a portal's own headers"
    );
}

#[tokio::test]
async fn portal_calls_count_complexity_and_give_stats() {
    let sandbox = sandbox().await;
    let response = reqwest::Client::new()
        .post(format!(
            "{}organizations/demo/portals/pipeline-overview",
            sandbox.base_url()
        ))
        .bearer_auth(portal_token(&sandbox, "pipeline-overview").expose())
        .header("Buildkite-Include-Query-Stats", "true")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    let headers = response.headers().clone();
    let body: Value = response.json().await.unwrap();
    assert!(body.get("errors").is_none(), "{body}");
    let requested = number(&headers, "ratelimit-complexity-requested");
    let actual = number(&headers, "ratelimit-complexity-actual");
    assert!(requested > 0 && actual > 0 && actual <= requested);
    assert_eq!(
        body["stats"],
        json!({ "requestedComplexity": requested, "actualComplexity": actual })
    );
    assert_eq!(headers["ratelimit-scope"], "portal");
}

#[tokio::test]
async fn every_rest_answer_has_rate_limit_headers() {
    let sandbox = sandbox().await;
    let base = format!("{}v2", sandbox.base_url());
    let http = reqwest::Client::new();
    let token = sandbox.api_token.as_str();
    let answers = [
        (
            http.get(format!("{base}/access-token")).bearer_auth(token),
            200,
        ),
        (
            http.post(format!("{base}/organizations/demo/portals"))
                .bearer_auth(token)
                .body("{not json"),
            400,
        ),
        (
            http.get(format!("{base}/organizations/demo/portals/nope"))
                .bearer_auth(token),
            404,
        ),
        (
            http.post(format!("{base}/organizations/demo/portals"))
                .bearer_auth(token)
                .json(&json!({ "name": "No query" })),
            422,
        ),
        (
            http.post(format!("{base}/organizations/demo/portals"))
                .bearer_auth(READ_ONLY_TOKEN)
                .json(&json!({ "name": "No scope", "query": "{ viewer { user { name } } }" })),
            403,
        ),
    ];
    let mut remaining = Vec::new();
    for (request, status) in answers {
        let response = request.send().await.unwrap();
        assert_eq!(response.status().as_u16(), status);
        let headers = response.headers();
        assert_eq!(headers["ratelimit-scope"], "rest");
        assert_eq!(headers["ratelimit-user-scope"], "rest_user");
        assert_eq!(headers["ratelimit-limit"], "200");
        remaining.push(number(headers, "ratelimit-remaining"));
    }
    assert_eq!(remaining, [199, 198, 197, 196, 195], "each request counts");

    // Without a token there is no user to count: the organization's headers only.
    let anonymous = http
        .get(format!("{base}/organizations/demo/portals"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
    assert_eq!(anonymous.headers()["ratelimit-remaining"], "195");
    assert!(!anonymous.headers().contains_key("ratelimit-user-remaining"));
}

#[tokio::test]
async fn codes_and_tokens_share_the_portal_limit() {
    let sandbox = sandbox_with(SandboxOptions {
        portal_rate_limit: 3,
        ..SandboxOptions::default()
    })
    .await;
    let portal = format!("{}organizations/demo/portals/who-am-i", sandbox.base_url());
    let (status, headers, _) = post(format!("{portal}/codes"), "", json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(headers["ratelimit-scope"], "portal");
    assert_eq!(headers["ratelimit-remaining"], "2");
    let (status, headers, _) = post(format!("{portal}/tokens"), "", json!({})).await;
    assert_eq!(status, 400, "a bad grant still counts");
    assert_eq!(headers["ratelimit-remaining"], "1");
    let token = portal_token(&sandbox, "who-am-i");
    let (status, _, _) = post(portal.clone(), token.expose(), json!({})).await;
    assert_eq!(status, 200);
    let (status, headers, body) = post(format!("{portal}/codes"), "", json!({})).await;
    assert_eq!(status, 429);
    assert_eq!(headers["ratelimit-remaining"], "0");
    assert_eq!(headers["ratelimit-scope"], "portal");
    assert!(body["errors"][0]["message"]
        .as_str()
        .unwrap()
        .starts_with("You have exceeded your portal rate limit."));
}

#[tokio::test]
async fn injected_429s_look_like_each_endpoints_own() {
    let sandbox = sandbox_with(SandboxOptions {
        faults: FaultSpec::parse("429=3").unwrap(),
        ..SandboxOptions::default()
    })
    .await;
    let http = reqwest::Client::new();
    let rest = http
        .get(format!(
            "{}v2/organizations/demo/portals",
            sandbox.base_url()
        ))
        .bearer_auth(&sandbox.api_token)
        .send()
        .await
        .unwrap();
    assert_eq!(rest.status(), 429);
    assert_eq!(rest.headers()["ratelimit-scope"], "rest");
    assert_eq!(rest.headers()["ratelimit-remaining"], "0");
    assert_eq!(rest.headers()["ratelimit-reset"], "1");
    let body: Value = rest.json().await.unwrap();
    // The keys of the docs' 429 example.
    assert_eq!(
        body,
        json!({
            "message": "You have exceeded your API rate limit. Please wait 1 seconds before making more requests.",
            "scope": "rest", "limit": 200, "current": 201, "reset": 1
        })
    );

    let url = format!("{}organizations/demo/portals/who-am-i", sandbox.base_url());
    let (status, headers, body) = post(url, "bkpat_any", json!({})).await;
    assert_eq!(status, 429);
    assert_eq!(headers["ratelimit-scope"], "portal");
    assert_eq!(headers["ratelimit-remaining"], "0");
    assert!(body["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("portal rate limit"));

    let (status, headers, body) = graphql(&sandbox, "{ viewer { user { name } } }").await;
    assert_eq!(status, 429);
    assert_eq!(headers["ratelimit-remaining"], "0");
    assert_eq!(
        body["errors"][0]["message"],
        "Your organization has exceeded the limit of 20000 complexity points. Please try again in 1 seconds."
    );
}
