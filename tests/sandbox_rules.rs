//! The sandbox's request rules over real HTTP: variables checked before
//! anything runs, the schema's default orders, `/v1`'s string variables,
//! JSON 405/413 answers, large documents, CORS headers, token revocation,
//! and query complexity with the documented example answers.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

struct Http {
    base: String,
    token: String,
    client: reqwest::Client,
}

impl Http {
    fn new(sandbox: &bkportals::sandbox::RunningSandbox) -> Http {
        Http {
            base: sandbox.base_url(),
            token: sandbox.api_token.clone(),
            client: reqwest::Client::new(),
        }
    }

    /// `POST /v1` with this body; the status, headers and JSON answer.
    async fn graphql(&self, body: Value) -> (StatusCode, reqwest::header::HeaderMap, Value) {
        let response = self
            .client
            .post(format!("{}v1", self.base))
            .bearer_auth(&self.token)
            .header("Buildkite-Include-Query-Stats", "true")
            .json(&body)
            .send()
            .await
            .unwrap();
        let (status, headers) = (response.status(), response.headers().clone());
        (status, headers, response.json().await.unwrap())
    }

    async fn data(&self, query: &str) -> Value {
        let (_, _, body) = self.graphql(json!({ "query": query })).await;
        assert!(body.get("errors").is_none(), "{body}");
        body["data"].clone()
    }

    async fn build_count(&self, pipeline: &str) -> u64 {
        let data = self
            .data(&format!(
                "{{ pipeline(slug: \"demo/{pipeline}\") {{ builds(first: 100) {{ count }} }} }}"
            ))
            .await;
        data["pipeline"]["builds"]["count"].as_u64().unwrap()
    }
}

#[tokio::test]
async fn a_null_or_missing_non_null_variable_is_refused_and_nothing_runs() {
    let sandbox = sandbox().await;
    let http = Http::new(&sandbox);
    let query =
        "query Q($n: Int!) { organization(slug: \"demo\") { pipelines(first: $n) { count } } }";
    for variables in [json!({ "n": null }), json!({})] {
        let (status, _, body) = http
            .graphql(json!({ "query": query, "variables": variables }))
            .await;
        assert_eq!(status, 200);
        assert!(body.get("data").is_none(), "nothing ran: {body}");
        assert_eq!(
            body["errors"][0]["message"],
            "Variable $n of type Int! was provided invalid value"
        );
        assert_eq!(
            body["errors"][0]["extensions"]["problems"][0]["explanation"],
            "Expected value to not be null"
        );
    }

    // A mutation of two fields, the second missing `$q`: no build is made.
    let id = http
        .data("{ pipeline(slug: \"demo/web-app\") { id } }")
        .await["pipeline"]["id"]
        .clone();
    let before = http.build_count("web-app").await;
    let mutation = "mutation M($p: ID!, $q: String!) {
        a: buildCreate(input: { pipelineID: $p }) { build { number } }
        b: buildCreate(input: { pipelineID: $p, branch: $q }) { build { number } }
    }";
    let (_, _, body) = http
        .graphql(json!({ "query": mutation, "variables": { "p": id } }))
        .await;
    assert!(body["errors"][0]["message"]
        .as_str()
        .unwrap()
        .starts_with("Variable $q of type String!"));
    assert_eq!(http.build_count("web-app").await, before);

    // The same on a portal call.
    let portal = portal_client(&sandbox)
        .invoke(
            "recent-builds",
            Some("triggerBuild"),
            &json!({ "pipelineID": null }),
            &portal_token(&sandbox, "recent-builds"),
        )
        .await
        .unwrap();
    assert!(!portal.succeeded());
    assert_eq!(http.build_count("web-app").await, before);
}

#[tokio::test]
async fn lists_follow_the_schemas_default_orders() {
    let sandbox = sandbox().await;
    let http = Http::new(&sandbox);
    let data = http
        .data("{ organization(slug: \"demo\") { pipelines(first: 50) { edges { node { createdAt } } } } }")
        .await;
    let created: Vec<&str> = data["organization"]["pipelines"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["createdAt"].as_str().unwrap())
        .collect();
    assert!(created.len() > 1);
    assert!(
        created.windows(2).all(|w| w[0] >= w[1]),
        "RECENTLY_CREATED: newest first: {created:?}"
    );

    // Builds are newest first, so `last: 2` is the oldest two.
    let numbers = |data: &Value| -> Vec<u64> {
        data["pipeline"]["builds"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["number"].as_u64().unwrap())
            .collect()
    };
    let all = numbers(&http.data("{ pipeline(slug: \"demo/web-app\") { builds(first: 100) { edges { node { number } } } } }").await);
    let last = numbers(&http.data("{ pipeline(slug: \"demo/web-app\") { builds(last: 2) { edges { node { number } } } } }").await);
    assert_eq!(last, all[all.len() - 2..], "{all:?}");
    assert!(all.windows(2).all(|w| w[0] > w[1]));

    // `%default` is the pipeline's default branch.
    let data = http
        .data("{ pipeline(slug: \"demo/web-app\") { defaultBranch builds(first: 100, branch: [\"%default\"]) { edges { node { branch } } } } }")
        .await;
    let default = data["pipeline"]["defaultBranch"].as_str().unwrap();
    let edges = data["pipeline"]["builds"]["edges"].as_array().unwrap();
    assert!(!edges.is_empty());
    assert!(edges.iter().all(|e| e["node"]["branch"] == default));
}

#[tokio::test]
async fn v1_takes_variables_as_a_json_string() {
    let sandbox = sandbox().await;
    let http = Http::new(&sandbox);
    let query = "query Q($n: Int!) { organization(slug: \"demo\") { pipelines(first: $n) { edges { node { slug } } } } }";
    let (status, _, body) = http
        .graphql(json!({ "query": query, "variables": "{\"n\": 1}" }))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["data"]["organization"]["pipelines"]["edges"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let (status, _, body) = http
        .graphql(json!({ "query": query, "variables": "{not json" }))
        .await;
    assert_eq!(status, 400);
    assert!(body["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("variables"));
}

#[tokio::test]
async fn wrong_methods_and_huge_bodies_get_json_and_a_2_mb_document_is_fine() {
    let sandbox = sandbox().await;
    let http = Http::new(&sandbox);
    let portals = format!("{}v2/organizations/demo/portals", http.base);

    let wrong = http
        .client
        .patch(&portals)
        .bearer_auth(&http.token)
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 405);
    assert!(wrong.headers().contains_key("allow"));
    let body: Value = wrong.json().await.unwrap();
    assert_eq!(body["message"], "Method Not Allowed");
    let wrong = http
        .client
        .get(format!("{}v1", http.base))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 405);
    let body: Value = wrong.json().await.unwrap();
    assert_eq!(body["errors"][0]["message"], "Method Not Allowed");

    // A 2 MB document (a long comment in a valid query) is created.
    let document = format!(
        "# {}\nquery Big {{ viewer {{ user {{ name }} }} }}\n",
        "x".repeat(2 << 20)
    );
    let created = http
        .client
        .post(&portals)
        .bearer_auth(&http.token)
        .json(&json!({ "name": "Big document", "query": document }))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);

    let huge = http
        .client
        .post(&portals)
        .bearer_auth(&http.token)
        .header("content-type", "application/json")
        .body(vec![b' '; 33 << 20])
        .send()
        .await
        .unwrap();
    assert_eq!(huge.status(), 413);
    let body: Value = huge.json().await.unwrap();
    assert!(
        body["message"].as_str().unwrap().contains("32 MB"),
        "{body}"
    );
}

#[tokio::test]
async fn rest_answers_carry_the_documented_cors_headers() {
    let sandbox = sandbox().await;
    let http = Http::new(&sandbox);
    for token in [http.token.as_str(), "bkua_not_a_token"] {
        let response = http
            .client
            .get(format!("{}v2/organizations/demo/portals", http.base))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.headers()["access-control-allow-origin"], "*");
        assert_eq!(response.headers()["access-control-expose-headers"], "Link");
    }
}

#[tokio::test]
async fn deleting_the_access_token_revokes_it() {
    let sandbox = sandbox().await;
    let http = Http::new(&sandbox);
    let url = format!("{}v2/access-token", http.base);
    let status = |method: reqwest::Method| {
        let request = http.client.request(method, &url).bearer_auth(&http.token);
        async move { request.send().await.unwrap().status() }
    };
    assert_eq!(status(reqwest::Method::DELETE).await, 204);
    assert_eq!(status(reqwest::Method::GET).await, 401);
    assert_eq!(status(reqwest::Method::DELETE).await, 401);
}

#[tokio::test]
async fn complexity_is_counted_as_documented() {
    let sandbox = sandbox().await;
    let http = Http::new(&sandbox);
    // The docs' RecentPipelineSlugs: 503 requested; actual 3 + one per pipeline.
    let query = "query RecentPipelineSlugs {
      organization(slug: \"demo\") { pipelines(first: 500) { edges { node { slug } } } }
    }";
    let (status, headers, body) = http.graphql(json!({ "query": query })).await;
    assert_eq!(status, 200);
    let pipelines = body["data"]["organization"]["pipelines"]["edges"]
        .as_array()
        .unwrap()
        .len() as u64;
    assert_eq!(headers["ratelimit-complexity-requested"], "503");
    assert_eq!(
        headers["ratelimit-complexity-actual"],
        (3 + pipelines).to_string().as_str()
    );
    // The stats object has the documented shape.
    assert_eq!(
        body["stats"],
        json!({ "requestedComplexity": 503, "actualComplexity": 3 + pipelines })
    );

    // Over the single-query limit: the documented answer, word for word, and nothing runs.
    let query = "{ organization(slug: \"demo\") { pipelines(first: 500) { edges { node {
        builds(first: 500) { edges { node { number } } } } } } } }";
    let (status, _, body) = http.graphql(json!({ "query": query })).await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({ "errors": [{ "message": "Query has complexity of 251503, which exceeds max complexity of 50000" }] })
    );
}
