//! `pull DIR`: every portal of the organization as `SLUG.graphql` and
//! `SLUG.toml`, and `bkportals.lock` recording each as Buildkite sent it.
//! Portal records carry no token, so none reaches DIR.

use std::path::Path;

use serde_json::json;

use super::plan::check_org;
use super::session::Session;
use super::{warn, Failure, Outcome, Output, EXIT_FAILED};
use crate::buildkite::PortalRecord;
use crate::portfile::{self, lint, Lock};
use crate::text::sanitize_line;

/// `bkportals pull DIR`
pub(super) async fn pull(session: &Session, out: Output, dir: &Path, force: bool) -> Outcome {
    let previous = Lock::read(dir).map_err(|e| Failure(e, EXIT_FAILED))?;
    if let Some(lock) = &previous {
        check_org(lock, session.org(), dir)?;
    }
    let records = session.rest()?.list_records().await?;
    if !force {
        refuse_to_drop_local_edits(dir, previous.as_ref(), &records, &session.server_name())?;
    }
    std::fs::create_dir_all(dir).map_err(|e| {
        Failure(
            format!("could not create {}: {e}", dir.display()),
            EXIT_FAILED,
        )
    })?;
    // Read before writing: what the directory declared that Buildkite lacks.
    let declared = portfile::read_portals(dir).unwrap_or_default();
    let mut lock = Lock::new(session.org());
    let mut changed = Vec::new();
    for record in &records {
        let portal = &record.portal;
        if !portfile::files::is_slug(&portal.slug) {
            // A slug that is no file name (`../x`) is not written anywhere.
            warn(format!(
                "skipped a portal whose slug `{}` cannot be a file name",
                portal.slug
            ));
            continue;
        }
        let written = portfile::write_portal(dir, portal).map_err(|e| {
            Failure(
                format!(
                    "could not write {}'s files in {}: {e}",
                    portal.slug,
                    dir.display()
                ),
                EXIT_FAILED,
            )
        })?;
        if written {
            changed.push(portal.slug.clone());
        }
        lock.set(&portal.uuid, &portal.slug, &record.raw);
    }
    for file in &declared {
        let on_buildkite = records
            .iter()
            .any(|r| file.fields.uuid.as_deref() == Some(r.portal.uuid.as_str()));
        if !on_buildkite && !records.iter().any(|r| r.portal.slug == file.slug) {
            warn(format!(
                "{} is not on {}: `push` would create it; delete its two files if it should go",
                file.fields_path.display(),
                session.server_name()
            ));
        }
    }
    lock.write(dir).map_err(|e| {
        Failure(
            format!(
                "could not write {}: {e}",
                dir.join(portfile::LOCK_FILE).display()
            ),
            EXIT_FAILED,
        )
    })?;
    warn_about_secrets(dir);
    if out.json {
        let slugs: Vec<&str> = lock.portals.iter().map(|e| e.slug.as_str()).collect();
        out.print_json(&json!({
            "directory": dir.display().to_string(),
            "portals": slugs,
            "changed": changed,
        }))?;
    }
    if !changed.is_empty() && changed.len() < lock.portals.len() {
        let names: Vec<String> = changed.iter().map(|s| sanitize_line(s)).collect();
        eprintln!("Changed: {}.", names.join(", "));
    }
    eprintln!(
        "Pulled {} portals of `{}` into {} (no tokens). Commit it; `bkportals plan {}` shows what changes.",
        lock.portals.len(),
        session.org(),
        dir.display(),
        dir.display()
    );
    Ok(0)
}

/// Files edited here while their portal stayed as it was on Buildkite are
/// work not pushed yet: writing Buildkite's version over them would lose it.
fn refuse_to_drop_local_edits(
    dir: &Path,
    lock: Option<&Lock>,
    records: &[PortalRecord],
    server: &str,
) -> Result<(), Failure> {
    let Some(lock) = lock else {
        return Ok(());
    };
    let edited: Vec<String> = records
        .iter()
        .filter(|r| portfile::files::is_slug(&r.portal.slug))
        .filter(|r| {
            lock.entry(&r.portal.uuid)
                .is_some_and(|e| e.sha256 == portfile::record_hash(&r.raw))
        })
        .flat_map(|r| portfile::files::differing_files(dir, &r.portal))
        .map(|path| sanitize_line(&path.display().to_string()))
        .collect();
    if edited.is_empty() {
        return Ok(());
    }
    Err(Failure(
        format!(
            "nothing was pulled: these files were changed here since the last pull, and {server}'s versions were not, so pulling would throw the changes away:\n  {}\npush them (`bkportals plan {}` shows what would go), or pass --force to take {server}'s versions",
            edited.join("\n  "),
            dir.display()
        ),
        EXIT_FAILED,
    ))
}

/// A document on Buildkite may hold a token written into it: say where.
fn warn_about_secrets(dir: &Path) {
    for path in lint::files_to_scan(dir) {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        for (path, finding) in lint::secret_literals(&path, &text) {
            warn(format!(
                "{}:{}:{}: {}",
                path.display(),
                finding.line,
                finding.column,
                finding.message
            ));
        }
    }
}
