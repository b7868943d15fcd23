use serde_json::json;

use super::*;
use crate::portfile::PortalFields;

const DOC: &str = "query GetBuilds($pipeline: ID!) {\n  pipeline(slug: $pipeline) { builds { edges { node { number url } } } }\n}\n";

fn record(uuid: &str, slug: &str, description: Option<&str>) -> PortalRecord {
    serde_json::from_value(json!({
        "uuid": uuid, "slug": slug, "name": format!("Portal {slug}"),
        "description": description, "query": DOC,
        "allowed_ip_addresses": null, "user_invokable": false,
        "created_by": {"id": "user-1", "name": "Sam"}
    }))
    .unwrap()
}

fn file_of(record: &PortalRecord) -> PortalFile {
    PortalFile {
        slug: record.portal.slug.clone(),
        fields: PortalFields::of(&record.portal),
        document: record.portal.query.clone(),
        document_path: format!("{}.graphql", record.portal.slug).into(),
        fields_path: format!("{}.toml", record.portal.slug).into(),
    }
}

fn lock_of(records: &[PortalRecord]) -> Lock {
    let mut lock = Lock::new("demo");
    for r in records {
        lock.set(&r.portal.uuid, &r.portal.slug, &r.raw);
    }
    lock
}

fn plan_of(files: &[PortalFile], lock: &Lock, remote: &[PortalRecord], allow_delete: bool) -> Plan {
    plan(&PlanInput {
        files,
        lock,
        remote,
        allow_delete,
        server: "Buildkite",
    })
}

#[test]
fn a_pulled_directory_plans_no_change_even_reformatted() {
    let remote = [record("u-1", "a", Some("words")), record("u-2", "b", None)];
    let mut files: Vec<PortalFile> = remote.iter().map(file_of).collect();
    files[0].document = format!(
        "# a comment\n{}",
        crate::graphql::format::format(DOC).unwrap()
    );
    let plan = plan_of(&files, &lock_of(&remote), &remote, false);
    assert!(!plan.has_changes(), "{plan:?}");
    assert!(plan
        .portals
        .iter()
        .all(|p| matches!(p.action, Action::Unchanged) && p.drift.is_none()));
    assert!(plan.problems.is_empty() && plan.undeclared.is_empty());
}

#[test]
fn a_rename_a_cleared_field_and_a_document_change_are_one_update() {
    let remote = [record("u-1", "a", Some("words"))];
    let mut file = file_of(&remote[0]);
    file.slug = "a-renamed".into();
    file.fields.description = None;
    file.document = DOC.replace("number url", "number");
    let plan = plan_of(&[file], &lock_of(&remote), &remote, false);
    let item = &plan.portals[0];
    let Action::Update {
        current_slug,
        fields,
        document,
        changes,
    } = &item.action
    else {
        panic!("{item:?}");
    };
    assert_eq!(current_slug, "a");
    assert_eq!(changes.slug.as_deref(), Some("a-renamed"));
    assert_eq!(
        changes.description.as_deref(),
        Some(""),
        "a removed field is cleared"
    );
    let named: Vec<&str> = fields.iter().map(|f| f.field).collect();
    assert_eq!(named, ["slug", "description", "document"]);
    assert_eq!(
        document[0].to_string(),
        "field pipeline.builds.edges.node.url removed from GetBuilds"
    );
    assert!(
        item.blast_radius[0].contains("callers of the old URL get 404"),
        "{:?}",
        item.blast_radius
    );
    assert_eq!(
        item.blast_radius[1],
        "callers that read pipeline.builds.edges.node.url no longer get it"
    );
}

#[test]
fn drift_undeclared_and_deletes_follow_the_lock() {
    let pulled = [record("u-1", "a", None), record("u-2", "b", None)];
    let lock = lock_of(&pulled);
    // On Buildkite since: `a` got a description, `c` appeared; `b` left the directory.
    let remote = [
        record("u-1", "a", Some("changed there")),
        pulled[1].clone(),
        record("u-3", "c", None),
    ];
    let files = [file_of(&pulled[0])];
    let plan = plan_of(&files, &lock, &remote, false);
    assert_eq!(plan.portals[0].drift, Some(Drift::Changed));
    assert!(
        plan.portals[0].overwrites_drift(),
        "the file would undo their change"
    );
    assert!(matches!(plan.portals[1].action, Action::DeleteNotAsked));
    assert_eq!(plan.undeclared.len(), 1);
    assert_eq!(plan.undeclared[0].slug, "c");

    let asked = plan_of(&files, &lock, &remote, true);
    assert!(matches!(asked.portals[1].action, Action::Delete));
    assert_eq!(asked.portals[1].slug, "b");
    assert!(
        asked.undeclared.iter().all(|u| u.slug == "c"),
        "an unmanaged portal is never deleted"
    );
}

#[test]
fn a_new_file_is_a_create_and_a_taken_slug_is_a_problem() {
    let remote = [record("u-1", "a", None)];
    let mut new = file_of(&remote[0]);
    new.slug = "fresh".into();
    new.fields.uuid = None;
    new.fields.allowed_ips = vec!["192.0.2.0/24".into()];
    let plan = plan_of(
        &[file_of(&remote[0]), new.clone()],
        &lock_of(&remote),
        &remote,
        false,
    );
    let Action::Create { portal } = &plan.portals[1].action else {
        panic!("{plan:?}");
    };
    assert_eq!(portal.slug.as_deref(), Some("fresh"));
    assert_eq!(portal.allowed_ip_addresses.as_deref(), Some("192.0.2.0/24"));
    assert!(plan.problems.is_empty());

    new.slug = "a".into();
    let clash = plan_of(
        std::slice::from_ref(&new),
        &Lock::new("demo"),
        &remote,
        false,
    );
    assert_eq!(clash.problems.len(), 1, "{clash:?}");
    assert!(
        clash.problems[0].contains("does not manage"),
        "{:?}",
        clash.problems
    );
    // The server planned against is the one named.
    assert!(
        clash.problems[0].contains("is taken on Buildkite by"),
        "{clash:?}"
    );
    let on_sandbox = super::plan(&PlanInput {
        files: std::slice::from_ref(&new),
        lock: &Lock::new("demo"),
        remote: &remote,
        allow_delete: false,
        server: "127.0.0.1:8088",
    });
    let said = &on_sandbox.problems[0];
    assert!(said.contains("is taken on 127.0.0.1:8088 by"), "{said}");
}

#[test]
fn two_files_claiming_one_portal_is_a_problem() {
    let remote = [record("u-1", "a", None)];
    let mut copy = file_of(&remote[0]);
    copy.slug = "a-copy".into();
    copy.fields_path = "a-copy.toml".into();
    let plan = plan_of(
        &[file_of(&remote[0]), copy],
        &lock_of(&remote),
        &remote,
        false,
    );
    assert!(
        plan.problems
            .iter()
            .any(|p| p.contains("both say they are portal u-1")),
        "{:?}",
        plan.problems
    );
}
