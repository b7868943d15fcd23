//! `plan DIR`: what `push DIR` would do, portal by portal, with the
//! semantic document diff, the blast radius, drift and undeclared portals.
//! Exit 0 no changes, 2 changes, 1 error (as `terraform plan -detailed-exitcode`).

use std::fmt::Write as _;
use std::path::Path;

use serde_json::json;

use super::session::Session;
use super::{Failure, Outcome, Output, EXIT_FAILED};
use crate::buildkite::{NewPortal, PortalRecord};
use crate::graphql::semantic_diff::Change;
use crate::portfile::{
    self, Action, Drift, FieldChange, Lock, Plan, PlanInput, PlanItem, PortalFile,
};
use crate::text::sanitize_line;

/// `plan` found changes (0 none, 1 an error).
pub(super) const EXIT_CHANGES: u8 = 2;

/// A directory, its lock and Buildkite's portals, and the plan between them.
pub(super) struct Loaded {
    pub(super) files: Vec<PortalFile>,
    pub(super) lock: Lock,
    pub(super) remote: Vec<PortalRecord>,
    pub(super) plan: Plan,
}

/// Reads DIR and Buildkite and plans; a directory that cannot be read, or a
/// lock of another organization, is an error naming what to fix.
pub(super) async fn load(
    session: &Session,
    dir: &Path,
    allow_delete: bool,
) -> Result<Loaded, Failure> {
    let files = portfile::read_portals(dir).map_err(|problems| {
        Failure(
            format!(
                "{} cannot be planned:\n  {}",
                dir.display(),
                problems.join("\n  ")
            ),
            EXIT_FAILED,
        )
    })?;
    let lock = match Lock::read(dir).map_err(|e| Failure(e, EXIT_FAILED))? {
        Some(lock) => {
            check_org(&lock, session.org(), dir)?;
            lock
        }
        None => Lock::new(session.org()),
    };
    let remote = session.rest()?.list_records().await?;
    let plan = portfile::plan(&PlanInput {
        files: &files,
        lock: &lock,
        remote: &remote,
        allow_delete,
        server: &session.server_name(),
    });
    Ok(Loaded {
        files,
        lock,
        remote,
        plan,
    })
}

pub(super) fn check_org(lock: &Lock, org: &str, dir: &Path) -> Result<(), Failure> {
    if lock.org.is_empty() || lock.org == org {
        return Ok(());
    }
    Err(Failure(
        format!(
            "{} belongs to organization `{}` (its {}), not `{org}`; pass --org {}",
            dir.display(),
            sanitize_line(&lock.org),
            portfile::LOCK_FILE,
            sanitize_line(&lock.org),
        ),
        EXIT_FAILED,
    ))
}

/// `bkportals plan DIR [--allow-delete]`
pub(super) async fn plan(
    session: &Session,
    out: Output,
    dir: &Path,
    allow_delete: bool,
) -> Outcome {
    let loaded = load(session, dir, allow_delete).await?;
    let plan = &loaded.plan;
    if out.json {
        out.print_json(&plan_json(plan, session.org()))?;
    } else {
        print!("{}", describe(plan, session.org(), &session.server_name()));
    }
    // A document that does not parse is an error, not a change: a CI job
    // reading exit 2 as "changes to review" would pass it on.
    super::push::document_problems(&plan.portals, &loaded.files, None).map_err(|problems| {
        Failure(
            format!("{} cannot be pushed: {problems}", dir.display()),
            EXIT_FAILED,
        )
    })?;
    if !plan.problems.is_empty() {
        return Err(Failure(
            format!(
                "{} cannot be pushed as it is:\n  {}",
                dir.display(),
                plan.problems.join("\n  ")
            ),
            EXIT_FAILED,
        ));
    }
    Ok(if plan.has_changes() { EXIT_CHANGES } else { 0 })
}

pub(super) fn plan_json(plan: &Plan, org: &str) -> serde_json::Value {
    json!({
        "organization": org,
        "changes": plan.has_changes(),
        "portals": plan.portals,
        "undeclared": plan.undeclared,
        "problems": plan.problems,
    })
}

/// The plan for people: one block a portal, then a summary line.
/// `server`: the server planned against, as said (`Session::server_name`).
pub(super) fn describe(plan: &Plan, org: &str, server: &str) -> String {
    let mut text = String::new();
    let mut unchanged = Vec::new();
    for item in &plan.portals {
        let slug = sanitize_line(&item.slug);
        match &item.action {
            Action::Unchanged => unchanged.push(slug),
            Action::Create { portal } => describe_create(&mut text, &slug, portal),
            Action::Delete => {
                let _ = writeln!(text, "- delete {slug}");
            }
            Action::DeleteNotAsked => {
                let _ = writeln!(
                    text,
                    "  keep {slug}: no longer in the directory (push --allow-delete deletes it)"
                );
            }
            Action::Update {
                current_slug,
                fields,
                document,
                ..
            } => describe_update(&mut text, item, current_slug, fields, document),
        }
        describe_consequences(&mut text, item, server);
    }
    describe_rest(&mut text, plan, &unchanged, server);
    describe_totals(&mut text, plan, org, unchanged.len());
    text
}

/// `+ create SLUG` with its name, addresses and user-invokable.
fn describe_create(text: &mut String, slug: &str, portal: &NewPortal) {
    let line = sanitize_line;
    let _ = writeln!(text, "+ create {slug}");
    let _ = writeln!(text, "    name: \"{}\"", line(&portal.name));
    let ips = portal
        .allowed_ip_addresses
        .as_deref()
        .unwrap_or("any address");
    let _ = writeln!(
        text,
        "    allowed_ips: {}; user_invokable: {}",
        line(ips),
        portal.user_invokable
    );
}

/// `~ update SLUG` (or `~ rename OLD -> SLUG`), each field old -> new, and
/// the document's semantic changes (`!` where callers may break).
fn describe_update(
    text: &mut String,
    item: &PlanItem,
    current_slug: &str,
    fields: &[FieldChange],
    document: &[Change],
) {
    let line = sanitize_line;
    let slug = line(&item.slug);
    if current_slug == item.slug {
        let _ = writeln!(text, "~ update {slug}");
    } else {
        let _ = writeln!(text, "~ rename {} -> {slug}", line(current_slug));
    }
    // The slug is in the heading; the document gets its own summary.
    for field in fields
        .iter()
        .filter(|f| !matches!(f.field, "slug" | "document"))
    {
        let shown = |v: &Option<String>| {
            v.as_deref()
                .map_or("(none)".to_owned(), |v| format!("\"{}\"", line(v)))
        };
        let _ = writeln!(
            text,
            "    {}: {} -> {}",
            field.field,
            shown(&field.from),
            shown(&field.to)
        );
    }
    if !document.is_empty() {
        let _ = writeln!(text, "    document:");
        for change in document {
            let mark = if change.may_break_callers() { '!' } else { '+' };
            let _ = writeln!(text, "      {mark} {}", line(&change.to_string()));
        }
    }
}

/// Under a portal's action: its drift from the server, and its blast radius.
fn describe_consequences(text: &mut String, item: &PlanItem, server: &str) {
    let slug = sanitize_line(&item.slug);
    if let Some(drift) = item.drift {
        let said = match drift {
            Drift::Changed if item.is_change() => format!(
                "changed on {server} since the last pull: this push would overwrite that (push refuses without --force)"
            ),
            Drift::Changed => {
                format!("changed on {server} since the last pull, and matches the files")
            }
            Drift::Gone => format!(
                "no longer on {server}: push would create it again, with a new UUID and token (push refuses without --force)"
            ),
            Drift::Unrecorded => format!(
                "not recorded by the last push: whether it changed on {server} is not known (push refuses without --force; pull records it)"
            ),
        };
        let _ = writeln!(text, "    ! {slug} {said}");
    }
    for effect in &item.blast_radius {
        let _ = writeln!(text, "    blast radius: {}", sanitize_line(effect));
    }
}

/// The portals left as they are, and those on the server the directory
/// does not declare.
fn describe_rest(text: &mut String, plan: &Plan, unchanged: &[String], server: &str) {
    if !unchanged.is_empty() {
        let _ = writeln!(text, "= unchanged: {}", unchanged.join(", "));
    }
    if !plan.undeclared.is_empty() {
        let names: Vec<String> = plan
            .undeclared
            .iter()
            .map(|u| sanitize_line(&u.slug))
            .collect();
        let _ = writeln!(
            text,
            "? on {server} but not in the directory (never changed by push; pull takes them in): {}",
            names.join(", ")
        );
    }
}

/// The last line: how many portals each action takes.
fn describe_totals(text: &mut String, plan: &Plan, org: &str, unchanged: usize) {
    let count = |want: fn(&Action) -> bool| plan.portals.iter().filter(|p| want(&p.action)).count();
    let _ = writeln!(
        text,
        "Plan for organization `{}`: {} to create, {} to update, {} to delete, {unchanged} unchanged.",
        sanitize_line(org),
        count(|a| matches!(a, Action::Create { .. })),
        count(|a| matches!(a, Action::Update { .. })),
        count(|a| matches!(a, Action::Delete)),
    );
}
