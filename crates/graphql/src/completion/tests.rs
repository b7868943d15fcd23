use super::*;

const SDL: &str = r#"
type Query {
  "Find a pipeline"
  pipeline(slug: ID!, "Only these" state: BuildStates): Pipeline
  viewer: Viewer
}
type Mutation { buildCreate(input: BuildCreateInput!): BuildCreatePayload }
type Viewer { user: User }
type User { name: String email: String }
type Pipeline { name: String! slug: String! builds(first: Int, state: [BuildStates!], branch: String): BuildConnection }
type BuildConnection { count: Int! }
enum BuildStates { PASSED FAILED RUNNING }
input BuildCreateInput { pipelineID: ID! branch: String clean: Boolean env: EnvInput }
input EnvInput { name: String! }
type BuildCreatePayload { build: Pipeline }
"#;

fn schema() -> GraphqlSchema {
    GraphqlSchema::from_sdl(SDL).expect("valid")
}

/// Candidates at the `|` in `doc`.
fn at(doc: &str) -> Vec<String> {
    let (row, line) = doc
        .split('\n')
        .enumerate()
        .find(|(_, l)| l.contains('|'))
        .expect("a cursor");
    let column = line[..line.find('|').unwrap()].chars().count();
    let text = doc.replace('|', "");
    complete(&schema(), &text, row, column)
        .map(|c| c.candidates.into_iter().map(|c| c.label).collect())
        .unwrap_or_default()
}

#[test]
fn fields_of_the_type_being_selected() {
    assert_eq!(at("query { | }"), ["__typename", "pipeline", "viewer"]);
    assert_eq!(at("{ viewer { user { n| } } }"), ["name"]);
    assert_eq!(at("{ pipeline(slug: \"a\") { b| } }"), ["builds"]);
    assert_eq!(at("mutation { b| }"), ["buildCreate"]);
    assert_eq!(
        at("{ p: pipeline(slug: \"a\") { na| } }"),
        ["name", "__typename"]
    );
    assert_eq!(
        at("query Q($s: ID!) {\n  pipeline(slug: $s) {\n    builds(first: 1) {\n      c|\n    }\n  }\n}"),
        ["count"]
    );
}

#[test]
fn fragments_and_inline_fragments_select_their_type() {
    assert_eq!(at("fragment F on Pipeline { sl| }"), ["slug"]);
    assert_eq!(at("{ viewer { ... on User { em| } } }"), ["email"]);
    assert_eq!(at("{ viewer { ... on Vi| } }"), ["Viewer"]);
    // User never is a Viewer: a fragment on it there could match nothing.
    assert!(at("{ viewer { ... on Us| } }").is_empty());
    assert_eq!(
        at("{ pipeline(slug: \"a\") @include(if: true) { name } viewer { user { e| } } }"),
        ["email"]
    );
}

#[test]
fn arguments_and_their_values() {
    assert_eq!(at("{ pipeline(|) { name } }"), ["slug", "state"]);
    assert_eq!(
        at("{ pipeline(slug: \"a\", s|) { name } }"),
        ["state"],
        "an argument given is not offered again"
    );
    assert_eq!(
        at("{ pipeline(|, state: PASSED) { name } }"),
        ["slug"],
        "nor one given after the cursor"
    );
    assert_eq!(
        at("mutation { buildCreate(input: { clean: true, | }) { build { name } } }"),
        ["branch", "env", "pipelineID"]
    );
    assert_eq!(
        at("{ pipeline(slug: \"a\", state: |) { name } }"),
        ["FAILED", "PASSED", "RUNNING"]
    );
    assert_eq!(
        at("{ pipeline(slug: \"a\") { builds(state: [P|]) { count } } }"),
        ["PASSED"]
    );
}

#[test]
fn input_object_fields_and_nested_values() {
    assert_eq!(
        at("mutation { buildCreate(input: { |}) { build { name } } }"),
        ["branch", "clean", "env", "pipelineID"]
    );
    assert_eq!(
        at("mutation { buildCreate(input: { clean: |}) { build { name } } }"),
        ["false", "true"]
    );
    assert_eq!(
        at("mutation { buildCreate(input: { env: { n| } }) { build { name } } }"),
        ["name"]
    );
}

#[test]
fn variables_and_their_types() {
    assert_eq!(
        at("query Q($slug: ID!, $state: BuildStates) { pipeline(slug: $|) { name } }"),
        ["$slug"]
    );
    assert_eq!(
        at("query Q($slug: ID!, $state: BuildStates) { pipeline(slug: $slug, state: |) { name } }"),
        ["FAILED", "PASSED", "RUNNING", "$state"]
    );
    assert_eq!(
        at("query Q($s: Bu|) { viewer { user { name } } }"),
        ["BuildCreateInput", "BuildStates"]
    );
}

#[test]
fn only_variables_whose_type_fits_are_offered() {
    let doc = |place: &str| {
        format!("query Q($a: ID, $b: ID!, $c: [ID!], $s: BuildStates!, $l: [BuildStates!]) {{ {place} }}")
    };
    assert_eq!(
        at(&doc("pipeline(slug: $|) { name }")),
        ["$b"],
        "ID! takes only ID!"
    );
    assert_eq!(
        at(&doc("pipeline(slug: \"a\") { builds(state: |) { count } }")),
        ["FAILED", "$l", "PASSED", "RUNNING"],
        "a list place takes a list variable (GraphQL refuses a single one there)"
    );
    assert_eq!(
        at(&doc(
            "pipeline(slug: \"a\") { builds(state: [$|]) { count } }"
        )),
        ["$s"]
    );
    assert_eq!(
        at(&doc("pipeline(slug: \"a\", state: $|) { name }")),
        ["$s"]
    );
}

#[test]
fn an_argument_after_a_value_brings_its_comma() {
    let doc = "{ pipeline(slug: \"a\" st) { name } }";
    let c = complete(&schema(), doc, 0, 23).expect("candidates");
    assert_eq!(c.candidates[0].insert, ", state: ");
    assert_eq!(
        c.candidates[0].replace_before, 1,
        "the space before it goes"
    );
    let doc = "{ pipeline(slug: \"a\", st) { name } }";
    let c = complete(&schema(), doc, 0, 24).expect("candidates");
    assert_eq!(
        c.candidates[0].insert, "state: ",
        "a comma is there already"
    );
    let doc = "{ pipeline(\n  slug: \"a\"\n  st) { name } }";
    let c = complete(&schema(), doc, 2, 4).expect("candidates");
    assert_eq!(c.candidates[0].insert, "state: ", "one per line needs none");
}

#[test]
fn object_fields_insert_braces_and_keys_a_colon() {
    let doc = "{ pipeline(slug: \"a\") { bui } }";
    let c = complete(&schema(), doc, 0, 27).expect("candidates");
    assert_eq!(c.prefix_len, 3);
    assert_eq!(c.candidates[0].insert, "builds {  }");
    assert_eq!(c.candidates[0].cursor, "builds { ".len());
    assert_eq!(c.candidates[0].detail, "BuildConnection");
    let c = complete(&schema(), "{ pipeline(sl) { name } }", 0, 13).expect("candidates");
    assert_eq!(c.candidates[0].insert, "slug: ");
    assert_eq!(c.candidates[0].detail, "ID!");
}

#[test]
fn nothing_inside_strings_comments_or_unknown_types() {
    assert!(at("{ pipeline(slug: \"a|\") { name } }").is_empty());
    assert!(at("{ nope { n| } }").is_empty());
}

#[test]
fn the_popup_finds_the_field_under_the_cursor() {
    let s = schema();
    let doc = "query { pipeline(slug: \"a\") { builds(first: 1) { count } } }";
    assert_eq!(
        coordinate_at(&s, doc, 0, 10).as_deref(),
        Some("Query.pipeline")
    );
    assert_eq!(
        coordinate_at(&s, doc, 0, 33).as_deref(),
        Some("Pipeline.builds")
    );
    assert_eq!(
        coordinate_at(&s, doc, 0, 40).as_deref(),
        Some("Pipeline.builds")
    );
    assert_eq!(
        coordinate_at(&s, "fragment F on Pipeline { name }", 0, 16).as_deref(),
        Some("Pipeline")
    );
    assert_eq!(coordinate_at(&s, doc, 0, 3), None);
}

#[test]
fn a_fragment_inside_a_union_or_interface_is_offered_only_the_types_it_can_be() {
    let sdl = r#"
        type Query { build: Build node: Node }
        type Build { createdBy: BuildCreator }
        union BuildCreator = User | UnregisteredUser
        interface Node { id: ID! }
        type User implements Node { id: ID! name: String }
        type UnregisteredUser { email: String }
        type Pipeline implements Node { id: ID! }
        type Agent { name: String }
    "#;
    let schema = GraphqlSchema::from_sdl(sdl).expect("valid");
    let labels = |doc: &str| {
        let column = doc.find('|').unwrap();
        let text = doc.replace('|', "");
        let mut labels: Vec<String> = complete(&schema, &text, 0, column)
            .map(|c| c.candidates.into_iter().map(|c| c.label).collect())
            .unwrap_or_default();
        labels.sort();
        labels
    };
    assert_eq!(
        labels("{ build { createdBy { ... on | } } }"),
        ["BuildCreator", "Node", "UnregisteredUser", "User"]
    );
    assert_eq!(
        labels("{ node { ... on | } }"),
        ["BuildCreator", "Node", "Pipeline", "User"]
    );
    assert_eq!(labels("{ build { ... on | } }"), ["Build"]);
}
