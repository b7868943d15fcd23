//! Portals in the shapes Buildkite's own tools read them, over HTTP from a
//! fake server: the REST page's (`created_by.id`), the Terraform provider's
//! (`created_by.uuid`, fewer fields), and one without a creator. A list never
//! fails over a field bkportals only shows.

mod common;
mod fake;
mod home;

use axum::extract::Path;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

use bkportals::buildkite::{ClientOptions, RestClient};
use bkportals::secrets::Secret;
use fake::FakeServer;
use home::{assert_ok, stdout, Home};

fn rest_page_shape() -> Value {
    json!({
        "uuid": "01234567-89ab-cdef-0123-456789abcdef",
        "slug": "rest-shaped",
        "organization_uuid": "f02d6a6f-7a0e-481d-9d6d-89b427aec48d",
        "name": "REST shaped",
        "description": "Triggers a build on the main branch",
        "query": "query { viewer { user { name } } }",
        "created_at": "2024-08-26T03:22:45.555Z",
        "created_by": {
            "id": "3d3c3bf0-7d58-4afe-8fe7-b3017d5504de",
            "graphql_id": "VXNlci0tLTNkM2MzYmYwLTdkNTgtNGFmZS04ZmU3LWIzMDE3ZDU1MDRkZQo=",
            "name": "Sam Kim",
            "email": "sam@example.com",
            "avatar_url": "https://www.gravatar.com/avatar/example",
            "created_at": "2013-08-29T10:10:03.000Z"
        },
        "allowed_ip_addresses": "192.0.2.1/32",
        "user_invokable": false
    })
}

fn terraform_shape() -> Value {
    json!({
        "uuid": "11111111-89ab-cdef-0123-456789abcdef",
        "slug": "terraform-shaped",
        "name": "Terraform shaped",
        "query": "query { viewer { user { name } } }",
        "user_invokable": null,
        "created_by": { "uuid": "5e5e5e5e-7d58-4afe-8fe7-b3017d5504de", "name": "Ana Ortiz", "email": "ana@example.com" },
        "token_rotated_at": "2025-01-01T00:00:00Z",
        "labels": ["a", { "b": 1 }]
    })
}

fn without_creator() -> Value {
    json!({
        "uuid": "22222222-89ab-cdef-0123-456789abcdef",
        "slug": "anonymous",
        "name": "No creator",
        "query": "query { viewer { user { name } } }",
        "created_at": null,
        "created_by": null
    })
}

fn server() -> FakeServer {
    let all = || vec![rest_page_shape(), terraform_shape(), without_creator()];
    let router = Router::new()
        .route(
            "/v2/organizations/{org}/portals",
            get(move || async move { Json(all()) }),
        )
        .route(
            "/v2/organizations/{org}/portals/{slug}",
            get(|Path((_org, slug)): Path<(String, String)>| async move {
                let found = [rest_page_shape(), terraform_shape(), without_creator()]
                    .into_iter()
                    .find(|p| p["slug"] == slug.as_str());
                Json(found.unwrap_or(json!({})))
            }),
        );
    FakeServer::start(router)
}

#[tokio::test]
async fn the_client_lists_every_shape() {
    let server = server();
    let rest = RestClient::new(
        server.url("").parse().unwrap(),
        fake::ORG,
        Secret::new(fake::API_TOKEN),
        ClientOptions::default(),
    )
    .unwrap();
    let portals = rest.list().await.expect("every shape decodes");
    let seen: Vec<(&str, &str, Option<&str>)> = portals
        .iter()
        .map(|p| {
            let id = p.created_by.as_ref().and_then(|c| c.user_id());
            (p.slug.as_str(), p.creator_name(), id)
        })
        .collect();
    assert_eq!(
        seen,
        [
            (
                "rest-shaped",
                "Sam Kim",
                Some("3d3c3bf0-7d58-4afe-8fe7-b3017d5504de")
            ),
            (
                "terraform-shaped",
                "Ana Ortiz",
                Some("5e5e5e5e-7d58-4afe-8fe7-b3017d5504de")
            ),
            ("anonymous", "unknown", None),
        ]
    );
}

#[test]
fn the_command_line_shows_every_shape() {
    let server = server();
    let home = Home::new();
    let env = server.exports();
    let list = home.command(&env, &["list"]);
    assert_ok(&list);
    for slug in ["rest-shaped", "terraform-shaped", "anonymous"] {
        assert!(stdout(&list).contains(slug), "{}", stdout(&list));
    }
    for (slug, by) in [
        ("rest-shaped", "by Sam Kim <sam@example.com>"),
        ("terraform-shaped", "by Ana Ortiz <ana@example.com>"),
        ("anonymous", "by unknown"),
    ] {
        let show = home.command(&env, &["show", slug]);
        assert_ok(&show);
        assert!(stdout(&show).contains(by), "{slug}: {}", stdout(&show));
    }
}
