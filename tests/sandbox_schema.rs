//! The sandbox's GraphQL schema is Buildkite's published schema: the same
//! types, fields and arguments, with the same types.

mod common;

use std::collections::HashMap;

use async_graphql_parser::types::{
    FieldDefinition, InputValueDefinition, TypeDefinition, TypeKind, TypeSystemDefinition,
};
use async_graphql_parser::Positioned;

/// Type name -> (kind, member name -> (type, arguments name -> type and default)).
type Members = HashMap<String, (String, HashMap<String, String>)>;

fn with_default(ty: String, default: Option<String>) -> String {
    match default {
        Some(value) => format!("{ty} = {value}"),
        None => ty,
    }
}

fn index(sdl: &str) -> HashMap<String, (&'static str, Members)> {
    let doc = async_graphql_parser::parse_schema(sdl).expect("SDL parses");
    let args = |list: &[Positioned<InputValueDefinition>]| {
        list.iter()
            .map(|a| {
                let default = a.node.default_value.as_ref().map(|d| d.node.to_string());
                (
                    a.node.name.node.to_string(),
                    with_default(a.node.ty.node.to_string(), default),
                )
            })
            .collect::<HashMap<_, _>>()
    };
    let fields = |list: &[Positioned<FieldDefinition>]| -> Members {
        list.iter()
            .map(|f| {
                let f = &f.node;
                (
                    f.name.node.to_string(),
                    (f.ty.node.to_string(), args(&f.arguments)),
                )
            })
            .collect()
    };
    let mut types = HashMap::new();
    for def in doc.definitions {
        let TypeSystemDefinition::Type(ty) = def else {
            continue;
        };
        let TypeDefinition { name, kind, .. } = ty.node;
        let (kind_name, members): (&str, Members) = match kind {
            TypeKind::Scalar => ("scalar", HashMap::new()),
            TypeKind::Object(o) => ("type", fields(&o.fields)),
            TypeKind::Interface(i) => ("interface", fields(&i.fields)),
            TypeKind::Union(u) => (
                "union",
                u.members
                    .iter()
                    .map(|m| (m.node.to_string(), (String::new(), HashMap::new())))
                    .collect(),
            ),
            TypeKind::Enum(e) => (
                "enum",
                e.values
                    .iter()
                    .map(|v| {
                        (
                            v.node.value.node.to_string(),
                            (String::new(), HashMap::new()),
                        )
                    })
                    .collect(),
            ),
            TypeKind::InputObject(i) => (
                "input",
                i.fields
                    .iter()
                    .map(|f| {
                        (
                            f.node.name.node.to_string(),
                            (f.node.ty.node.to_string(), HashMap::new()),
                        )
                    })
                    .collect(),
            ),
        };
        types.insert(name.node.to_string(), (kind_name, members));
    }
    types
}

#[test]
fn sandbox_schema_is_buildkites_published_schema() {
    let reference = include_str!("../assets/buildkite-schema.graphql");
    let theirs = index(reference);
    let ours = index(&bkportals::sandbox::schema_sdl().expect("the sandbox schema builds"));
    assert!(ours.contains_key("Pipeline") && ours.contains_key("BuildCreateInput"));
    let mut problems = Vec::new();
    for (name, (kind, members)) in &ours {
        let Some((their_kind, their_members)) = theirs.get(name) else {
            problems.push(format!("{kind} {name} is not in Buildkite's schema"));
            continue;
        };
        if kind != their_kind {
            problems.push(format!("{name} is a {kind} here but a {their_kind} there"));
            continue;
        }
        for (member, (ty, args)) in members {
            let Some((their_ty, their_args)) = their_members.get(member) else {
                problems.push(format!("{name}.{member} is not in Buildkite's schema"));
                continue;
            };
            if ty != their_ty {
                problems.push(format!("{name}.{member} is {ty} here but {their_ty} there"));
            }
            for (arg, arg_ty) in args {
                match their_args.get(arg) {
                    None => problems.push(format!("{name}.{member}({arg}) is not there")),
                    Some(t) if t != arg_ty => problems.push(format!(
                        "{name}.{member}({arg}) is {arg_ty} here but {t} there"
                    )),
                    _ => {}
                }
            }
            for (arg, their_arg_ty) in their_args {
                if their_arg_ty.ends_with('!') && !args.contains_key(arg) {
                    problems.push(format!("{name}.{member} lacks required argument {arg}"));
                }
            }
        }
    }
    for (name, (kind, members)) in &theirs {
        match ours.get(name) {
            None => problems.push(format!("{kind} {name} is missing from the sandbox")),
            Some((_, our_members)) => {
                for member in members.keys().filter(|m| !our_members.contains_key(*m)) {
                    problems.push(format!("{name}.{member} is missing from the sandbox"));
                }
            }
        }
    }
    for root in ["viewer", "organization", "pipeline", "build", "node"] {
        assert!(ours["Query"].1.contains_key(root), "Query.{root} is served");
    }
    assert!(ours["Mutation"].1.contains_key("buildCreate"));
    assert!(
        problems.is_empty(),
        "not Buildkite's schema:\n{}",
        problems.join("\n")
    );
}

#[tokio::test]
async fn graphql_endpoint_serves_introspection_to_tokens_with_graphql_access() {
    let sandbox = common::sandbox().await;
    let client = reqwest::Client::new();
    let query = serde_json::json!({
        "query": "{ __schema { queryType { name } types { name } } }"
    });
    let response = client
        .post(sandbox.graphql_endpoint())
        .bearer_auth(&sandbox.api_token)
        .json(&query)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    let names: Vec<&str> = body["data"]["__schema"]["types"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    assert!(names.contains(&"BuildConnection"), "{names:?}");

    let denied = client
        .post(sandbox.graphql_endpoint())
        .bearer_auth(common::READ_ONLY_TOKEN)
        .json(&query)
        .send()
        .await
        .unwrap();
    assert_eq!(denied.status(), 403);
    let anonymous = client
        .post(sandbox.graphql_endpoint())
        .json(&query)
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
}

#[tokio::test]
async fn graphql_endpoint_answers_viewer_node_and_build_queries() {
    let sandbox = common::sandbox().await;
    let query = r#"{
        viewer { user { name } }
        build(slug: "demo/web-app/3") { number pipeline { slug id } }
    }"#;
    let body = post_v1(&sandbox, query).await;
    assert_eq!(body["data"]["viewer"]["user"]["name"], "Riley Admin");
    assert_eq!(body["data"]["build"]["number"], 3);
    let id = body["data"]["build"]["pipeline"]["id"].as_str().unwrap();
    let node: serde_json::Value = reqwest::Client::new()
        .post(sandbox.graphql_endpoint())
        .bearer_auth(&sandbox.api_token)
        .json(&serde_json::json!({
            "query": "query($id: ID!) { node(id: $id) { ... on Pipeline { name } } }",
            "variables": { "id": id }
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(node["data"]["node"]["name"], "Web App");
}

const INTROSPECTION: &str = r#"
query Walk {
  __schema {
    queryType { name }
    mutationType { name }
    types {
      kind name
      fields(includeDeprecated: true) { name type { ...Ref } args { name defaultValue type { ...Ref } } }
      inputFields { name type { ...Ref } }
      enumValues(includeDeprecated: true) { name }
      possibleTypes { name }
      interfaces { name }
    }
  }
}
fragment Ref on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } }
"#;

/// An introspected type reference as SDL writes it (`[String!]!`).
fn type_text(reference: &serde_json::Value) -> String {
    match reference["kind"].as_str() {
        Some("NON_NULL") => format!("{}!", type_text(&reference["ofType"])),
        Some("LIST") => format!("[{}]", type_text(&reference["ofType"])),
        _ => reference["name"].as_str().unwrap_or("?").to_owned(),
    }
}

/// The introspected types, in the shape `index` gives the SDL.
fn introspected_index(types: &[serde_json::Value]) -> HashMap<String, (&'static str, Members)> {
    let names = |list: &serde_json::Value| -> Members {
        list.as_array()
            .into_iter()
            .flatten()
            .map(|v| {
                (
                    v["name"].as_str().unwrap_or("?").to_owned(),
                    (String::new(), HashMap::new()),
                )
            })
            .collect()
    };
    let typed = |list: &serde_json::Value| -> Members {
        list.as_array()
            .into_iter()
            .flatten()
            .map(|f| {
                let args = f["args"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|a| {
                        let default = a["defaultValue"].as_str().map(str::to_owned);
                        let ty = with_default(type_text(&a["type"]), default);
                        (a["name"].as_str().unwrap_or("?").to_owned(), ty)
                    })
                    .collect();
                (
                    f["name"].as_str().unwrap_or("?").to_owned(),
                    (type_text(&f["type"]), args),
                )
            })
            .collect()
    };
    types
        .iter()
        .filter_map(|t| {
            let name = t["name"].as_str()?;
            let (kind, members) = match t["kind"].as_str()? {
                "SCALAR" => ("scalar", HashMap::new()),
                "OBJECT" => ("type", typed(&t["fields"])),
                "INTERFACE" => ("interface", typed(&t["fields"])),
                "UNION" => ("union", names(&t["possibleTypes"])),
                "ENUM" => ("enum", names(&t["enumValues"])),
                "INPUT_OBJECT" => ("input", typed(&t["inputFields"])),
                _ => return None,
            };
            Some((name.to_owned(), (kind, members)))
        })
        .collect()
}

/// Every type of the published schema, walked through the sandbox's `/v1`
/// introspection over HTTP: present, of the same kind, with the same fields,
/// arguments, input fields, enum values and union members, and the same types.
#[tokio::test]
async fn introspection_over_http_describes_every_published_type() {
    let sandbox = common::sandbox().await;
    let body = post_v1(&sandbox, INTROSPECTION).await;
    assert!(body["errors"].is_null(), "{}", body["errors"]);
    let schema = &body["data"]["__schema"];
    assert_eq!(schema["queryType"]["name"], "Query");
    assert_eq!(schema["mutationType"]["name"], "Mutation");
    let served = introspected_index(schema["types"].as_array().unwrap());
    let published = index(include_str!("../assets/buildkite-schema.graphql"));
    assert!(published.len() > 500, "{} types", published.len());
    let mut problems = Vec::new();
    for (name, (kind, members)) in &published {
        match served.get(name) {
            None => problems.push(format!("{kind} {name} is not introspected")),
            Some((served_kind, _)) if served_kind != kind => {
                problems.push(format!("{name} is a {served_kind}, not a {kind}"))
            }
            Some((_, served_members)) if served_members != members => {
                problems.push(format!("{name} differs: {members:?} vs {served_members:?}"))
            }
            Some(_) => {}
        }
    }
    // Beyond the published types: only the built-in scalars and `__` types.
    for name in served.keys() {
        let built_in = ["String", "Int", "Float", "Boolean", "ID"].contains(&name.as_str());
        if !published.contains_key(name) && !built_in && !name.starts_with("__") {
            problems.push(format!("{name} is served but not published"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// `query` posted to the sandbox's `/v1` with the demo token; the JSON answer.
async fn post_v1(sandbox: &bkportals::sandbox::RunningSandbox, query: &str) -> serde_json::Value {
    reqwest::Client::new()
        .post(sandbox.graphql_endpoint())
        .bearer_auth(&sandbox.api_token)
        .json(&serde_json::json!({ "query": query }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// `{ ... }` selecting every field of `ty` that needs no argument: scalars and
/// enums as they are, objects by `__typename`, and `nested` (by `Type.field`)
/// as given, to walk on into the seeded records.
fn every_field(
    types: &HashMap<String, (&'static str, Members)>,
    ty: &str,
    nested: &HashMap<&str, String>,
) -> String {
    let (_, members) = &types[ty];
    let mut names: Vec<&String> = members.keys().collect();
    names.sort();
    let mut selection = String::from("{ __typename");
    for name in names {
        let (field_type, args) = &members[name];
        if let Some(custom) = nested.get(format!("{ty}.{name}").as_str()) {
            selection.push_str(&format!(" {custom}"));
            continue;
        }
        if args.values().any(|a| a.ends_with('!')) {
            continue;
        }
        let base = field_type.trim_matches(|c| c == '[' || c == ']' || c == '!');
        match types.get(base).map(|t| t.0) {
            Some("scalar" | "enum") | None => selection.push_str(&format!(" {name}")),
            _ => selection.push_str(&format!(" {name} {{ __typename }}")),
        }
    }
    selection.push_str(" }");
    selection
}

/// Every field that needs no argument, on every kind of seeded record,
/// answers without an error: backed ones with data, the rest with empty values.
#[tokio::test]
async fn every_field_of_the_seeded_records_answers_without_an_error() {
    let types = index(include_str!("../assets/buildkite-schema.graphql"));
    let mut nested: HashMap<&str, String> = HashMap::new();
    let leaf = |ty: &str| every_field(&types, ty, &HashMap::new());
    nested.insert("JobTypeCommand.agent", format!("agent {}", leaf("Agent")));
    nested.insert(
        "JobTypeCommand.clusterQueue",
        format!("clusterQueue {}", leaf("ClusterQueue")),
    );
    nested.insert(
        "JobTypeCommand.artifacts",
        format!(
            "artifacts(first: 2) {{ edges {{ node {} }} }}",
            leaf("Artifact")
        ),
    );
    let job = every_field(&types, "JobTypeCommand", &nested);
    nested.insert("Build.jobs", format!("jobs(first: 3) {{ count edges {{ node {{ ... on JobTypeCommand {job} ... on JobTypeWait {} }} }} }}", leaf("JobTypeWait")));
    nested.insert(
        "Build.annotations",
        format!(
            "annotations(first: 2) {{ edges {{ node {} }} }}",
            leaf("Annotation")
        ),
    );
    nested.insert(
        "Build.createdBy",
        format!("createdBy {{ ... on User {} }}", leaf("User")),
    );
    let build = every_field(&types, "Build", &nested);
    nested.insert(
        "Pipeline.builds",
        format!("builds(first: 3) {{ edges {{ node {build} }} }}"),
    );
    nested.insert("Pipeline.cluster", format!("cluster {}", leaf("Cluster")));
    let pipeline = every_field(&types, "Pipeline", &nested);
    nested.insert(
        "Team.members",
        format!(
            "members(first: 3) {{ edges {{ node {} }} }}",
            leaf("TeamMember")
        ),
    );
    let team = every_field(&types, "Team", &nested);
    nested.insert(
        "Organization.pipelines",
        format!("pipelines(first: 4) {{ edges {{ node {pipeline} }} }}"),
    );
    nested.insert(
        "Organization.agents",
        format!("agents(first: 6) {{ edges {{ node {} }} }}", leaf("Agent")),
    );
    nested.insert(
        "Organization.teams",
        format!("teams(first: 2) {{ edges {{ node {team} }} }}"),
    );
    nested.insert(
        "Organization.members",
        format!(
            "members(first: 2) {{ edges {{ node {} }} }}",
            leaf("OrganizationMember")
        ),
    );
    let organization = every_field(&types, "Organization", &nested);
    let query = format!(
        "{{ organization(slug: \"demo\") {organization} viewer {} }}",
        leaf("Viewer")
    );
    let body = post_v1(&common::sandbox().await, &query).await;
    assert!(body["errors"].is_null(), "{}", body["errors"]);
    let org = &body["data"]["organization"];
    assert_eq!(org["slug"], "demo");
    assert!(
        org.as_object().unwrap().len() > 20,
        "every field is asked for: {org}"
    );
    let builds = &org["pipelines"]["edges"][0]["node"]["builds"]["edges"];
    assert_eq!(builds.as_array().map(Vec::len), Some(3), "{org}");
}
