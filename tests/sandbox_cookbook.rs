//! Queries in the manner of Buildkite's GraphQL cookbook (organization,
//! pipelines, builds, jobs, agents, clusters and queues, teams, artifacts,
//! annotations), each checked against the sandbox's schema as fetched by
//! introspection, created as a portal in the sandbox, run through the portal
//! endpoint over HTTP, and answered without an error with seeded data.

mod common;

use bkportals::buildkite::graphql_api::fetch_schema_sdl;
use bkportals::buildkite::NewPortal;
use bkportals::graphql::schema::GraphqlSchema;
use bkportals::sandbox::RunningSandbox;
use bkportals::secrets::Secret;
use common::*;
use serde_json::{json, Value};

struct Cookbook {
    sandbox: RunningSandbox,
    schema: &'static GraphqlSchema,
}

/// The sandbox's schema as introspected over HTTP: the same for every sandbox,
/// so fetched once for the whole file.
static SCHEMA: tokio::sync::OnceCell<GraphqlSchema> = tokio::sync::OnceCell::const_new();

impl Cookbook {
    async fn open() -> Cookbook {
        let sandbox = sandbox().await;
        let schema = SCHEMA
            .get_or_init(|| async {
                let endpoint = url::Url::parse(&sandbox.graphql_endpoint()).unwrap();
                let token = Secret::new(&sandbox.api_token);
                let sdl = fetch_schema_sdl(&endpoint, &token, quick_options())
                    .await
                    .expect("the sandbox describes its schema");
                GraphqlSchema::from_sdl(&sdl).expect("the introspected SDL loads")
            })
            .await;
        Cookbook { sandbox, schema }
    }

    /// Validates `document`, creates it as a portal, runs it with `variables`
    /// and returns its `data`; any diagnostic or GraphQL error fails the test.
    async fn run(&self, name: &str, document: &str, variables: Value) -> Value {
        let diagnostics = self.schema.check(document);
        assert!(diagnostics.is_empty(), "{name}: {diagnostics:?}");
        let created = rest(&self.sandbox)
            .create(&NewPortal {
                name: name.into(),
                query: document.into(),
                ..Default::default()
            })
            .await
            .unwrap_or_else(|e| panic!("{name}: not created: {e}"));
        let response = portal_client(&self.sandbox)
            .invoke(&created.portal.slug, None, &variables, &created.token)
            .await
            .unwrap_or_else(|e| panic!("{name}: not run: {e}"));
        assert!(response.succeeded(), "{name}: {}", response.body);
        response.data().expect("data")
    }
}

fn edges(connection: &Value) -> Vec<Value> {
    connection["edges"]
        .as_array()
        .map(|edges| edges.iter().map(|e| e["node"].clone()).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn organization_pipelines_and_their_latest_builds() {
    let book = Cookbook::open().await;
    let data = book
        .run(
            "Latest build per pipeline",
            r#"query LatestBuilds($org: ID!) {
  viewer { user { name email } organizations { edges { node { slug name } } } }
  organization(slug: $org) {
    name
    pipelines(first: 50) {
      count
      pageInfo { endCursor hasNextPage }
      edges { node { name slug repository { url } builds(first: 1) { edges { node { number createdAt state } } } } }
    }
  }
}"#,
            json!({"org": "demo"}),
        )
        .await;
    assert_eq!(data["viewer"]["user"]["name"], "Riley Admin");
    assert_eq!(edges(&data["viewer"]["organizations"])[0]["slug"], "demo");
    let pipelines = &data["organization"]["pipelines"];
    assert_eq!(pipelines["count"], 4);
    assert_eq!(pipelines["pageInfo"]["hasNextPage"], false);
    let web = edges(pipelines)
        .into_iter()
        .find(|p| p["slug"] == "web-app")
        .expect("web-app");
    assert_eq!(web["repository"]["url"], "git@github.com:demo/web-app.git");
    // Newest first, as Buildkite sorts builds.
    assert_eq!(edges(&web["builds"])[0]["number"], 8);
}

#[tokio::test]
async fn builds_between_dates_on_a_branch_with_their_annotations() {
    let book = Cookbook::open().await;
    let data = book
        .run(
            "Builds between dates",
            r#"query Window($pipeline: ID!) {
  pipeline(slug: $pipeline) {
    between: builds(createdAtFrom: "2024-05-12T00:00:00Z", createdAtTo: "2024-05-15T00:00:00Z") { count }
    failed: builds(first: 5, branch: ["feature/fast-checkout"], state: [FAILED]) {
      edges { node { number message annotations(first: 5) { edges { node { context style body { text html } } } } } }
    }
  }
}"#,
            json!({"pipeline": "demo/web-app"}),
        )
        .await;
    assert_eq!(data["pipeline"]["between"]["count"], 3);
    let failed = edges(&data["pipeline"]["failed"]);
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["number"], 3);
    let annotation = &edges(&failed[0]["annotations"])[0];
    assert_eq!(annotation["style"], "ERROR");
    assert!(annotation["body"]["text"]
        .as_str()
        .unwrap()
        .contains("failed"));
}

#[tokio::test]
async fn a_builds_command_jobs_with_exit_status_timings_agent_and_artifacts() {
    let book = Cookbook::open().await;
    let data = book
        .run(
            "Build jobs",
            r#"query BuildJobs {
  build(slug: "demo/payments-api/7") {
    message
    finished: jobs(first: 10, state: FINISHED) { count }
    jobs(first: 20, type: [COMMAND]) {
      edges { node { ... on JobTypeCommand {
        uuid label command state passed exitStatus startedAt finishedAt env
        agent { name hostname operatingSystem { name } }
        artifacts(first: 10) { edges { node { path downloadURL size mimeType sha1sum } } }
      } } }
    }
  }
}"#,
            json!({}),
        )
        .await;
    let build = &data["build"];
    // Two command jobs and the wait step between them.
    assert_eq!(build["finished"]["count"], 3);
    let jobs = edges(&build["jobs"]);
    assert_eq!(jobs.len(), 2);
    let tests = &jobs[0];
    assert_eq!(tests["exitStatus"], "0");
    assert_eq!(tests["passed"], true);
    assert!(tests["startedAt"].as_str().unwrap() < tests["finishedAt"].as_str().unwrap());
    assert!(tests["agent"]["name"]
        .as_str()
        .unwrap()
        .starts_with("ci-agent"));
    assert!(tests["env"]
        .as_array()
        .unwrap()
        .contains(&json!("BUILDKITE_PIPELINE_SLUG=payments-api")));
    let paths: Vec<Value> = edges(&tests["artifacts"])
        .iter()
        .map(|a| a["path"].clone())
        .collect();
    assert!(paths.contains(&json!("log/test.log")), "{paths:?}");

    let job_uuid = tests["uuid"].as_str().unwrap();
    let again = book
        .run(
            "One job",
            "query Job($uuid: ID!) { job(uuid: $uuid) { ... on JobTypeCommand { label build { number } pipeline { slug } } } }",
            json!({"uuid": job_uuid}),
        )
        .await;
    assert_eq!(again["job"]["build"]["number"], 7);
    assert_eq!(again["job"]["pipeline"]["slug"], "payments-api");
}

#[tokio::test]
async fn running_jobs_of_a_queue_and_the_agents_running_them() {
    let book = Cookbook::open().await;
    let data = book
        .run(
            "Queue jobs",
            r#"query QueueJobs {
  organization(slug: "demo") {
    jobs(first: 10, type: [COMMAND], state: [RUNNING], agentQueryRules: ["queue=default"]) {
      count
      edges { node { ... on JobTypeCommand { label agent { name isRunningJob } build { number pipeline { slug } } } } }
    }
    agents(first: 20) {
      count
      edges { node { name hostname connectionState metaData version isRunningJob job { ... on JobTypeCommand { label } } } }
    }
    macs: agents(first: 5, metaData: ["queue=macos"]) { edges { node { name operatingSystem { name } } } }
  }
}"#,
            json!({}),
        )
        .await;
    let org = &data["organization"];
    let running = edges(&org["jobs"]);
    assert_eq!(org["jobs"]["count"], 2);
    let mut slugs: Vec<&str> = running
        .iter()
        .map(|j| j["build"]["pipeline"]["slug"].as_str().unwrap())
        .collect();
    slugs.sort();
    assert_eq!(slugs, ["payments-api", "web-app"]);
    assert!(running.iter().all(|j| j["agent"]["isRunningJob"] == true));
    assert_eq!(org["agents"]["count"], 6);
    let busy = edges(&org["agents"])
        .into_iter()
        .filter(|a| a["isRunningJob"] == true)
        .count();
    assert_eq!(busy, 4);
    let macs = edges(&org["macs"]);
    assert_eq!(macs.len(), 1);
    assert_eq!(macs[0]["operatingSystem"]["name"], "macOS");
}

#[tokio::test]
async fn clusters_with_their_queues_and_one_cluster_by_id() {
    let book = Cookbook::open().await;
    let data = book
        .run(
            "Clusters",
            r#"query Clusters {
  organization(slug: "demo") {
    clusters(first: 10) {
      edges { node { id name description defaultQueue { key } queues(first: 10) { count edges { node { id key description dispatchPaused } } } } }
    }
  }
}"#,
            json!({}),
        )
        .await;
    let clusters = edges(&data["organization"]["clusters"]);
    assert_eq!(clusters.len(), 2);
    let linux = clusters
        .iter()
        .find(|c| c["name"] == "Linux fleet")
        .expect("Linux fleet");
    assert_eq!(linux["defaultQueue"]["key"], "default");
    assert_eq!(linux["queues"]["count"], 2);
    let queue_id = edges(&linux["queues"])[0]["id"].clone();

    let one = book
        .run(
            "One cluster",
            r#"query Cluster($id: ID!, $queue: ID!) {
  organization(slug: "demo") {
    cluster(id: $id) { name queues(first: 5) { edges { node { key } } } }
    agents(first: 10, clusterQueue: [$queue]) { count }
  }
}"#,
            json!({"id": linux["id"], "queue": queue_id}),
        )
        .await;
    assert_eq!(one["organization"]["cluster"]["name"], "Linux fleet");
    assert_eq!(one["organization"]["agents"]["count"], 4, "{one}");
}

#[tokio::test]
async fn teams_members_and_pipeline_access() {
    let book = Cookbook::open().await;
    let data = book
        .run(
            "Teams",
            r#"query Teams {
  organization(slug: "demo") {
    members(first: 50) { count edges { node { role user { name email } } } }
    jordan: members(first: 5, search: "jordan") { edges { node { role teams(first: 5) { edges { node { role team { slug } } } } } } }
    teams(first: 10) {
      edges { node {
        name slug privacy
        members(first: 10) { edges { node { role user { name } } } }
        pipelines(first: 10) { edges { node { accessLevel pipeline { slug } } } }
      } }
    }
    mobileTeam: pipelines(first: 10, team: "mobile") { edges { node { slug } } }
    byRepository: pipelines(first: 10, repository: { url: "git@github.com:demo/infra.git" }) { count }
  }
  pipeline(slug: "demo/mobile-ios") { cluster { name } teams(first: 5) { edges { node { accessLevel team { name } } } } }
}"#,
            json!({}),
        )
        .await;
    let org = &data["organization"];
    assert_eq!(org["members"]["count"], 2);
    let jordan = edges(&org["jordan"]);
    assert_eq!(jordan.len(), 1);
    assert_eq!(jordan[0]["role"], "MEMBER");
    assert_eq!(edges(&jordan[0]["teams"]).len(), 2);
    let teams = edges(&org["teams"]);
    let platform = teams.iter().find(|t| t["slug"] == "platform").unwrap();
    assert_eq!(edges(&platform["members"]).len(), 2);
    assert_eq!(edges(&platform["pipelines"]).len(), 3);
    let team_pipelines = edges(&org["mobileTeam"]);
    assert_eq!(team_pipelines.len(), 1);
    assert_eq!(team_pipelines[0]["slug"], "mobile-ios");
    assert_eq!(org["byRepository"]["count"], 1);
    let mobile = &data["pipeline"];
    assert_eq!(mobile["cluster"]["name"], "macOS fleet");
    assert_eq!(edges(&mobile["teams"])[0]["team"]["name"], "Mobile");
}

#[tokio::test]
async fn fields_the_world_does_not_back_answer_empty_without_errors() {
    let book = Cookbook::open().await;
    let data = book
        .run(
            "Unbacked fields",
            r#"query Unbacked {
  organization(slug: "demo") {
    pipelineTemplates(first: 5) { count pageInfo { hasNextPage } edges { node { name } } }
    auditEvents(first: 5) { edges { node { type occurredAt } } }
    rules(first: 3) { count }
    apiAccessTokens(first: 2) { edges { node { id } } nodes { id } pageInfo { hasNextPage } }
    permissions { pipelineCreate { allowed } }
  }
  pipeline(slug: "demo/infra") {
    schedules(first: 5) { edges { node { cronline } } }
    steps { yaml }
    tags { label }
    pipelineTemplate { name }
  }
  build(slug: "demo/infra/1") { pullRequest { id } metaData(first: 3) { edges { node { key value } } } source { name } }
}"#,
            json!({}),
        )
        .await;
    let org = &data["organization"];
    assert_eq!(org["pipelineTemplates"]["count"], 0);
    assert_eq!(org["pipelineTemplates"]["edges"], json!([]));
    assert_eq!(org["apiAccessTokens"]["nodes"], json!([]));
    assert_eq!(org["pipelineTemplates"]["pageInfo"]["hasNextPage"], false);
    assert_eq!(org["auditEvents"]["edges"], json!([]));
    assert_eq!(org["apiAccessTokens"]["edges"], json!([]));
    // A non-null object the world lacks is an empty one; its nullable fields are null.
    assert!(org["permissions"]["pipelineCreate"].is_null());
    assert_eq!(data["pipeline"]["tags"], json!([]));
    assert!(data["pipeline"]["pipelineTemplate"].is_null());
    assert!(data["pipeline"]["steps"]["yaml"]
        .as_str()
        .unwrap()
        .contains("steps"));
    assert!(data["build"]["pullRequest"].is_null());
    assert_eq!(data["build"]["source"]["name"], "API");
}

#[tokio::test]
async fn a_build_created_through_a_portal_is_listed_afterwards() {
    let book = Cookbook::open().await;
    let found = book
        .run(
            "Pipeline id",
            r#"query { pipeline(slug: "demo/infra") { id nextBuildNumber } }"#,
            json!({}),
        )
        .await;
    let next = found["pipeline"]["nextBuildNumber"].clone();
    let created = book
        .run(
            "Create build",
            r#"mutation Create($id: ID!) {
  buildCreate(input: { pipelineID: $id, branch: "main", message: "From the cookbook" }) {
    build { number state url message }
  }
}"#,
            json!({"id": found["pipeline"]["id"]}),
        )
        .await;
    let build = &created["buildCreate"]["build"];
    assert_eq!(build["number"], next);
    assert_eq!(build["state"], "SCHEDULED");
    let listed = book
        .run(
            "Newest build",
            r#"query { pipeline(slug: "demo/infra") { builds(first: 1) { edges { node { number message } } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        edges(&listed["pipeline"]["builds"])[0]["message"],
        "From the cookbook"
    );
}

#[tokio::test]
async fn records_are_found_again_by_their_node_id_and_abstract_types_resolve() {
    let book = Cookbook::open().await;
    let data = book
        .run(
            "Ids",
            r#"query Ids {
  build(slug: "demo/mobile-ios/8") {
    createdBy { __typename ... on User { name } }
    source { __typename name }
    jobs(first: 1) { edges { node { __typename ... on JobTypeCommand { id agent { id } clusterQueue { id key cluster { name } } } } } }
  }
  organization(slug: "demo") { teams(first: 1) { edges { node { id } } } }
}"#,
            json!({}),
        )
        .await;
    let build = &data["build"];
    assert_eq!(build["createdBy"]["__typename"], "User");
    assert_eq!(build["source"]["__typename"], "BuildSourceAPI");
    let job = &edges(&build["jobs"])[0];
    assert_eq!(job["__typename"], "JobTypeCommand");
    assert_eq!(job["clusterQueue"]["key"], "macos");
    assert_eq!(job["clusterQueue"]["cluster"]["name"], "macOS fleet");
    let ids = [
        job["id"].clone(),
        job["agent"]["id"].clone(),
        job["clusterQueue"]["id"].clone(),
        edges(&data["organization"]["teams"])[0]["id"].clone(),
    ];
    let nodes = book
        .run(
            "Nodes",
            r#"query Nodes($job: ID!, $agent: ID!, $queue: ID!, $team: ID!) {
  job: node(id: $job) { __typename ... on JobTypeCommand { label exitStatus } }
  agent: node(id: $agent) { __typename ... on Agent { name } }
  queue: node(id: $queue) { __typename ... on ClusterQueue { key } }
  team: node(id: $team) { __typename ... on Team { slug } }
}"#,
            json!({"job": ids[0], "agent": ids[1], "queue": ids[2], "team": ids[3]}),
        )
        .await;
    assert_eq!(nodes["job"]["__typename"], "JobTypeCommand");
    assert_eq!(
        nodes["job"]["exitStatus"], "1",
        "mobile-ios 8 failed its tests"
    );
    assert_eq!(nodes["agent"]["name"], "mac-agent-1");
    assert_eq!(nodes["queue"]["key"], "macos");
    assert_eq!(nodes["team"]["slug"], "platform");
}
