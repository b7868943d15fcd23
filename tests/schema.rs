//! Validation verdicts on the document corpus (`tests/documents`), against
//! Buildkite's published schema and against the sandbox's, fetched by
//! introspection over HTTP; and the `check`/`schema` commands end to end.
//!
//! Each corpus file starts with `# valid: why` or `# error: the message`.

mod common;

use std::path::PathBuf;

use bkportals::buildkite::graphql_api::fetch_schema_sdl;
use bkportals::graphql::schema::GraphqlSchema;
use bkportals::secrets::Secret;

struct Document {
    name: String,
    text: String,
    /// The message expected, or None when the document is valid.
    expected_error: Option<String>,
}

fn corpus() -> Vec<Document> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/documents");
    let mut documents: Vec<Document> = std::fs::read_dir(&dir)
        .expect("the corpus directory")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "graphql"))
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("readable");
            let header = text.lines().next().unwrap_or_default();
            let expected_error = if let Some(message) = header.strip_prefix("# error: ") {
                Some(message.to_owned())
            } else {
                assert!(header.starts_with("# valid"), "{path:?} has no verdict");
                None
            };
            Document {
                name: path.file_name().unwrap().to_string_lossy().into_owned(),
                text,
                expected_error,
            }
        })
        .collect();
    documents.sort_by(|a, b| a.name.cmp(&b.name));
    assert!(documents.len() >= 15);
    documents
}

/// Buildkite's published schema, vendored into the repository.
const PUBLISHED_SCHEMA: &str = include_str!("../assets/buildkite-schema.graphql");

fn published_schema() -> GraphqlSchema {
    GraphqlSchema::from_sdl(PUBLISHED_SCHEMA).expect("Buildkite's schema loads")
}

#[test]
fn verdicts_against_buildkites_published_schema() {
    let schema = published_schema();
    for document in corpus() {
        let found = schema.check(&document.text);
        match &document.expected_error {
            None => assert!(found.is_empty(), "{}: {found:?}", document.name),
            Some(message) => assert!(
                found.iter().any(|d| &d.message == message),
                "{}: expected `{message}`, got {found:?}",
                document.name
            ),
        }
    }
}

#[tokio::test]
async fn verdicts_against_the_sandbox_schema_fetched_by_introspection() {
    let sandbox = common::sandbox().await;
    let endpoint = url::Url::parse(&sandbox.graphql_endpoint()).unwrap();
    let sdl = fetch_schema_sdl(
        &endpoint,
        &Secret::new(&sandbox.api_token),
        common::quick_options(),
    )
    .await
    .expect("the sandbox describes its schema");
    let schema = GraphqlSchema::from_sdl(&sdl).expect("the converted SDL is valid");
    for document in corpus() {
        let found = schema.check(&document.text);
        // The sandbox has a subset of Buildkite's fields, so an invalid
        // document may fail for another reason there; a valid one must pass.
        match document.expected_error {
            None => assert!(found.is_empty(), "{}: {found:?}", document.name),
            Some(_) => assert!(!found.is_empty(), "{} passed", document.name),
        }
    }
}

#[tokio::test]
async fn introspection_without_graphql_access_is_a_clear_error() {
    let sandbox = common::sandbox().await;
    let endpoint = url::Url::parse(&sandbox.graphql_endpoint()).unwrap();
    let error = fetch_schema_sdl(
        &endpoint,
        &Secret::new(common::NO_PORTAL_SCOPES_TOKEN),
        common::quick_options(),
    )
    .await
    .expect_err("a token without GraphQL access is refused");
    assert!(
        error.to_string().contains("needs GraphQL API access"),
        "{error}"
    );
    let wrong = fetch_schema_sdl(
        &endpoint,
        &Secret::new("bkua_wrong"),
        common::quick_options(),
    )
    .await
    .expect_err("an unknown token is refused");
    assert!(wrong.to_string().contains("not authorized"), "{wrong}");
}
