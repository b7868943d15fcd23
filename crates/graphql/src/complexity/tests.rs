//! The documented rules and the documented examples (503, and the 251503 of
//! the limit's error message).

use super::*;

const SDL: &str = r#"
type Query { organization(slug: ID!): Organization node(id: ID!): Node viewer: Viewer }
type Viewer { user: User }
type User { name: String }
interface Node { id: ID! }
enum BuildState { PASSED FAILED }
type Organization { name: String pipelines(first: Int, last: Int): PipelineConnection }
type PipelineConnection { count: Int edges: [PipelineEdge] nodes: [Pipeline] pageInfo: PageInfo }
type PageInfo { hasNextPage: Boolean }
type PipelineEdge { node: Pipeline cursor: String }
type Pipeline implements Node { id: ID! slug: String creator: User builds(first: Int): BuildConnection }
type BuildConnection { edges: [BuildEdge] }
type BuildEdge { node: Build }
type Build implements Node { id: ID! number: Int state: BuildState creator: User pipeline: Pipeline }
"#;

fn schema() -> GraphqlSchema {
    GraphqlSchema::from_sdl(SDL).unwrap()
}

fn count(document: &str) -> u64 {
    let with = requested(document, Some(&schema()), &Json::Null).unwrap();
    assert_eq!(with.len(), 1);
    with[0].requested
}

const DOCS_EXAMPLE: &str = r#"query RecentPipelineSlugs {
  organization(slug: "organization-slug") {
    pipelines(first: 500) {
      edges {
        node {
          slug
        }
      }
    }
  }
}"#;

#[test]
fn the_docs_example_requests_503_with_or_without_a_schema() {
    assert_eq!(count(DOCS_EXAMPLE), 503);
    let without = requested(DOCS_EXAMPLE, None, &Json::Null).unwrap();
    assert_eq!(without[0].requested, 503);
    assert_eq!(without[0].label(), "query `RecentPipelineSlugs`");
    assert!(!without[0].near_limit() && !without[0].over_limit());
}

#[test]
fn nested_connections_multiply_to_the_limit_messages_251503() {
    let document = r#"{ organization(slug: "o") { pipelines(first: 500) { edges { node {
        builds(first: 500) { edges { node { number } } } } } } } }"#;
    let found = requested(document, Some(&schema()), &Json::Null).unwrap();
    assert_eq!(found[0].requested, 251_503);
    assert!(found[0].over_limit());
    assert_eq!(found[0].label(), "the query");
}

#[test]
fn scalars_and_enums_cost_nothing_objects_one_each() {
    assert_eq!(count(r#"{ organization(slug: "o") { name } }"#), 1);
    assert_eq!(
        count(r#"{ node(id: "x") { ... on Build { number state creator { name } } } }"#),
        2
    );
    // Without a schema, a field with a selection set is the object.
    let without = requested(r#"{ viewer { user { name } } }"#, None, &Json::Null).unwrap();
    assert_eq!(without[0].requested, 2);
}

#[test]
fn nodes_pageinfo_and_count_of_a_connection() {
    // nodes: once per item; pageInfo and count: once.
    assert_eq!(
        count(
            r#"{ organization(slug: "o") { pipelines(last: 20) { count pageInfo { hasNextPage } nodes { slug creator { name } } } } }"#
        ),
        1 + 1 + 1 + 20 + 20
    );
    // Without first/last, the documented default of 500.
    assert_eq!(
        count(r#"{ organization(slug: "o") { pipelines { edges { node { slug } } } } }"#),
        503
    );
}

#[test]
fn variables_give_first_its_value_else_their_default() {
    let document = r#"query P($n: Int = 10) { organization(slug: "o") { pipelines(first: $n) { edges { node { slug } } } } }"#;
    assert_eq!(count(document), 13);
    let given = requested(document, Some(&schema()), &serde_json::json!({ "n": 100 })).unwrap();
    assert_eq!(given[0].requested, 103);
    let no_default = r#"query P($n: Int) { organization(slug: "o") { pipelines(first: $n) { edges { node { slug } } } } }"#;
    assert_eq!(count(no_default), 503);
}

#[test]
fn fragments_count_where_spread_and_alternatives_count_the_dearest() {
    let document = r#"
query Q { organization(slug: "o") { ...Pipes } }
fragment Pipes on Organization { pipelines(first: 3) { edges { node { slug creator { name } } } } }
"#;
    assert_eq!(count(document), 1 + 1 + 1 + 3 + 3);
    let union = r#"{ node(id: "x") {
        ... on Pipeline { creator { name } }
        ... on Build { creator { name } pipeline { creator { name } } }
    } }"#;
    assert_eq!(count(union), 1 + 3, "the Build branch, not both");
    // A cycle (invalid, but typed) ends instead of recursing forever.
    let cycle = "query C { viewer { ...A } }\nfragment A on Viewer { user { name } ...A }";
    let found = requested(cycle, Some(&schema()), &Json::Null).unwrap();
    assert!(found[0].requested >= 2);
}

#[test]
fn each_operation_is_counted_on_its_own_in_document_order() {
    let document =
        "query B { viewer { user { name } } }\nquery A { organization(slug: \"o\") { name } }\n";
    let found = requested(document, Some(&schema()), &Json::Null).unwrap();
    let summary: Vec<_> = found
        .iter()
        .map(|o| (o.name.as_deref().unwrap(), o.requested, o.line))
        .collect();
    assert_eq!(summary, [("B", 2, 1), ("A", 1, 2)]);
    assert!(requested("query {", None, &Json::Null).is_err());
}

#[test]
fn near_the_limit_is_from_80_percent() {
    let at = |first: u64| {
        let document = format!(
            r#"{{ organization(slug: "o") {{ pipelines(first: {first}) {{ edges {{ node {{ slug }} }} }} }} }}"#
        );
        requested(&document, Some(&schema()), &Json::Null).unwrap()[0].clone()
    };
    assert!(!at(39_996).near_limit());
    assert!(at(39_997).near_limit(), "40,000 points");
    assert!(at(49_997).near_limit() && !at(49_997).over_limit());
    assert!(at(49_998).over_limit());
}

#[test]
fn an_operation_starts_at_its_keyword_and_unrunnable_documents_are_refused() {
    let document = "# leading comment\n\n  query Later { viewer { user { name } } }";
    let found = requested(document, None, &Json::Null).unwrap();
    assert_eq!((found[0].line, found[0].column), (3, 3));
    for unrunnable in [
        "type Query { a: Int }",
        "fragment F on Viewer { user { name } }",
        "{ viewer { user { name } } }\nquery A { viewer { user { name } } }",
        "query A { viewer { user { name } } }\nquery A { viewer { user { name } } }",
        "query A { viewer { ...F } }\nfragment F on Viewer { user { name } }\nfragment F on Viewer { user { name } }",
    ] {
        assert!(requested(unrunnable, None, &Json::Null).is_err(), "{unrunnable}");
    }
}
