//! The sandbox's GraphQL schema is a faithful subset of Buildkite's published
//! schema: every type, field and argument it has exists there with the same type.

mod common;

use std::collections::HashMap;

use async_graphql_parser::types::{
    FieldDefinition, InputValueDefinition, TypeDefinition, TypeKind, TypeSystemDefinition,
};
use async_graphql_parser::Positioned;

/// Type name -> (kind, member name -> (type, arguments name -> type)).
type Members = HashMap<String, (String, HashMap<String, String>)>;

fn index(sdl: &str) -> HashMap<String, (&'static str, Members)> {
    let doc = async_graphql_parser::parse_schema(sdl).expect("SDL parses");
    let args = |list: &[Positioned<InputValueDefinition>]| {
        list.iter()
            .map(|a| (a.node.name.node.to_string(), a.node.ty.node.to_string()))
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
fn sandbox_schema_is_a_subset_of_buildkites() {
    let reference = include_str!("../assets/buildkite-schema.graphql");
    let theirs = index(reference);
    let ours = index(&bkportals::sandbox::schema_sdl());
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
    for root in ["viewer", "organization", "pipeline", "build", "node"] {
        assert!(ours["Query"].1.contains_key(root), "Query.{root} is served");
    }
    assert!(ours["Mutation"].1.contains_key("buildCreate"));
    assert!(
        problems.is_empty(),
        "not a faithful subset:\n{}",
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
    let body: serde_json::Value = reqwest::Client::new()
        .post(sandbox.graphql_endpoint())
        .bearer_auth(&sandbox.api_token)
        .json(&serde_json::json!({ "query": query }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
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
