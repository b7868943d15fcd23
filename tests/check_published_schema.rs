//! `bkportals check` with no token and no `--schema` lints against Buildkite's
//! published schema (bundled) and says so; the organization's schema wins
//! when it can be fetched.

mod common;
mod home;

use common::SandboxProcess;
use home::{assert_ok, stderr, stdout, Home};

/// Valid against the published schema, but not against a schema that lacks clusters.
const CLUSTERS: &str =
    "query Clusters { organization(slug: \"demo\") { clusters(first: 5) { edges { node { name queues { count } } } } } }\n";

#[test]
fn check_without_a_token_uses_the_published_schema_and_says_so() {
    let home = Home::new();
    std::fs::write(home.path().join("clusters.graphql"), CLUSTERS).unwrap();
    std::fs::write(
        home.path().join("typo.graphql"),
        "query { organization(slug: \"demo\") { clusterz { count } } }\n",
    )
    .unwrap();

    // No organization, no token: CI with no credentials.
    let bare = home.command(&[], &["check", "clusters.graphql"]);
    assert_ok(&bare);
    assert!(
        stderr(&bare).contains("Buildkite's published schema"),
        "{}",
        stderr(&bare)
    );
    let typo = home.command(&[], &["check", "typo.graphql"]);
    assert_eq!(typo.status.code(), Some(1), "{}", stderr(&typo));
    assert!(
        stdout(&typo).contains(
            "typo.graphql:1:38: error: type `Organization` does not have a field `clusterz`"
        ),
        "{}",
        stdout(&typo)
    );

    // An organization but no token: the same, naming why.
    let org_only = home.command(
        &[("BUILDKITE_ORGANIZATION_SLUG".into(), "demo".into())],
        &["check", "clusters.graphql"],
    );
    assert_ok(&org_only);
    let said = stderr(&org_only);
    assert!(
        said.contains("published schema") && said.contains("no API token for `demo`"),
        "{said}"
    );
    assert_eq!(
        said.lines()
            .filter(|l| l.contains("published schema"))
            .count(),
        1,
        "{said}"
    );
}

#[test]
fn the_organizations_schema_wins_when_it_can_be_fetched() {
    let home = Home::new();
    std::fs::write(home.path().join("clusters.graphql"), CLUSTERS).unwrap();
    let sandbox = SandboxProcess::start(&home.path().join("state.json"));
    let fetched = home.command(&sandbox.exports, &["check", "clusters.graphql"]);
    assert_ok(&fetched);
    assert!(
        !stderr(&fetched).contains("published schema"),
        "{}",
        stderr(&fetched)
    );
    assert!(home
        .path()
        .join("cache/bkportals/schemas/loopback_v1.json")
        .exists());
}
