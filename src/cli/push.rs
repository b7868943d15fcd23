//! `push DIR`: shows the plan, then applies it after a yes. Every document is
//! checked first (nothing is sent if one fails); a portal that changed on
//! Buildkite since the last pull is not overwritten without `--force`;
//! deletes need `--allow-delete` and touch only portals the lock manages.
//! Each step is sent once; a push that stops says what was done and what not.

use std::io::{IsTerminal, Write};
use std::path::Path;

use serde_json::json;

use super::plan::{describe, load, plan_json, Loaded};
use super::session::Session;
use super::{warn, Failure, Outcome, Output, PushArgs, EXIT_FAILED, EXIT_USAGE};
use crate::buildkite::{ApiError, PortalRecord, RestClient};
use crate::graphql::diagnostics::parse_diagnostics;
use crate::portfile::{self, Action, Lock, PlanItem, PortalFile};
use crate::secrets::Secret;
use crate::text::sanitize_line;

/// `bkportals push DIR [--yes] [--force] [--allow-delete] [--token-command CMD]`
pub(super) async fn push(session: &mut Session, out: Output, args: PushArgs) -> Outcome {
    let dir = args.dir.as_path();
    let Loaded {
        files,
        mut lock,
        remote,
        plan,
    } = load(session, dir, args.allow_delete).await?;
    if !out.json {
        print!("{}", describe(&plan, session.org(), &session.server_name()));
    }
    if !plan.problems.is_empty() {
        return Err(Failure(
            format!("nothing was sent:\n  {}", plan.problems.join("\n  ")),
            EXIT_FAILED,
        ));
    }
    if !plan.has_changes() {
        if out.json {
            out.print_json(&json!({ "plan": plan_json(&plan, session.org()), "done": [] }))?;
        }
        eprintln!(
            "Nothing to push: {} already matches {}.",
            session.server_name(),
            dir.display()
        );
        return Ok(0);
    }
    let drifted: Vec<String> = plan.drifted().map(|p| sanitize_line(&p.slug)).collect();
    if !drifted.is_empty() && !args.force {
        return Err(Failure(
            format!(
                "nothing was sent: {} changed on {} since the last pull, and this push would overwrite that. \
                 Run `bkportals pull {}` to take their changes (then edit again), or pass --force to overwrite them.",
                drifted.join(", "),
                session.server_name(),
                dir.display()
            ),
            EXIT_FAILED,
        ));
    }
    check_documents(session, &plan.portals, &files).await?;
    if !args.yes {
        confirm(
            session.org(),
            plan.portals.iter().filter(|p| p.is_change()).count(),
        )?;
    }
    // Portals the push leaves alone agree with their files now.
    for item in plan
        .portals
        .iter()
        .filter(|p| matches!(p.action, Action::Unchanged))
    {
        if let Some(record) = remote
            .iter()
            .find(|r| Some(&r.portal.uuid) == item.uuid.as_ref())
        {
            lock.set(&record.portal.uuid, &record.portal.slug, &record.raw);
        }
    }
    lock.portals
        .retain(|e| remote.iter().any(|r| r.portal.uuid == e.uuid));
    let rest = session.rest()?;
    let mut pusher = Pusher {
        session,
        rest,
        dir,
        lock,
        files: &files,
        remote: &remote,
        args: &args,
        done: Vec::new(),
    };
    let steps: Vec<&PlanItem> = ordered(&plan.portals);
    let result = pusher.apply(&steps).await;
    let done = std::mem::take(&mut pusher.done);
    if out.json {
        out.print_json(&json!({ "plan": plan_json(&plan, pusher.session.org()), "done": done }))?;
    }
    match result {
        Ok(()) => {
            eprintln!("Pushed: {}.", done.join("; "));
            Ok(0)
        }
        Err((index, error)) => {
            let not_done: Vec<String> = steps[index + 1..].iter().map(|s| step_name(s)).collect();
            Err(Failure(
                stopped_message(
                    "push",
                    &done,
                    &step_name(steps[index]),
                    &error,
                    &not_done,
                    "The lock records what was done; `bkportals plan` shows what is left.",
                ),
                EXIT_FAILED,
            ))
        }
    }
}

/// Renames and updates first (they may free a slug), then creates, then deletes.
fn ordered(items: &[PlanItem]) -> Vec<&PlanItem> {
    let rank = |item: &PlanItem| match item.action {
        Action::Update { .. } => 0,
        Action::Create { .. } => 1,
        _ => 2,
    };
    let mut steps: Vec<&PlanItem> = items.iter().filter(|p| p.is_change()).collect();
    steps.sort_by_key(|item| rank(item));
    steps
}

fn step_name(item: &PlanItem) -> String {
    let slug = sanitize_line(&item.slug);
    match &item.action {
        Action::Create { .. } => format!("create {slug}"),
        Action::Delete => format!("delete {slug}"),
        Action::Update { current_slug, .. } if *current_slug != item.slug => {
            format!("rename {} -> {slug}", sanitize_line(current_slug))
        }
        _ => format!("update {slug}"),
    }
}

/// What a run of writes that stopped at `failed` did and did not do; a
/// lost answer is said to be unclear (it was not sent again).
pub(super) fn stopped_message(
    what: &str,
    done: &[String],
    failed: &str,
    error: &ApiError,
    not_done: &[String],
    next: &str,
) -> String {
    let unclear = matches!(
        error,
        ApiError::OutcomeUnknown { .. } | ApiError::CreatedWithoutToken { .. }
    );
    let list = |items: &[String]| {
        if items.is_empty() {
            "nothing".to_owned()
        } else {
            items.join("; ")
        }
    };
    format!(
        "the {what} stopped at `{failed}`{}: {error}\n  done: {}\n  not done: {}\n{next}",
        if unclear {
            " (whether it happened is unclear; it was not sent again)"
        } else {
            ""
        },
        list(done),
        list(not_done),
    )
}

/// Every document a push sends parses and validates, or nothing is sent.
async fn check_documents(
    session: &Session,
    items: &[PlanItem],
    files: &[PortalFile],
) -> Result<(), Failure> {
    if documents_sent(items, files).is_empty() {
        return Ok(());
    }
    let schema = match session.schema().await {
        Ok(loaded) => Some(loaded.schema),
        Err(e) => {
            warn(format!("the documents were checked for syntax only: {e}"));
            None
        }
    };
    document_problems(items, files, schema.as_ref())
        .map_err(|problems| Failure(format!("nothing was sent: {problems}"), EXIT_FAILED))
}

/// The files whose documents a push sends: new portals', and changed ones.
fn documents_sent<'a>(items: &[PlanItem], files: &'a [PortalFile]) -> Vec<&'a PortalFile> {
    items
        .iter()
        .filter(|item| match &item.action {
            Action::Create { .. } => true,
            Action::Update { changes, .. } => changes.query.is_some(),
            _ => false,
        })
        .filter_map(|item| files.iter().find(|f| f.slug == item.slug))
        .collect()
}

/// Every syntax error (and, with a schema, validation error) of the
/// documents a push sends, as "N errors in the documents to push: ..." with
/// one `path:line:column: message` a line.
pub(super) fn document_problems(
    items: &[PlanItem],
    files: &[PortalFile],
    schema: Option<&crate::graphql::schema::GraphqlSchema>,
) -> Result<(), String> {
    let mut problems = Vec::new();
    for file in documents_sent(items, files) {
        let mut diagnostics = parse_diagnostics(&file.document);
        if diagnostics.is_empty() {
            if let Some(schema) = schema {
                diagnostics = schema.validate(&file.document);
            }
        }
        problems.extend(diagnostics.iter().map(|d| {
            format!(
                "{}:{}:{}: {}",
                file.document_path.display(),
                d.line,
                d.column,
                sanitize_line(&d.message)
            )
        }));
    }
    if problems.is_empty() {
        return Ok(());
    }
    Err(format!(
        "{} in the documents to push:\n  {}",
        if problems.len() == 1 {
            "1 error".to_owned()
        } else {
            format!("{} errors", problems.len())
        },
        problems.join("\n  ")
    ))
}

fn confirm(org: &str, changes: usize) -> Result<(), Failure> {
    if !std::io::stdin().is_terminal() {
        return Err(Failure(
            "not pushing without confirmation: pass --yes (in CI, after reviewing `bkportals plan`)".into(),
            EXIT_USAGE,
        ));
    }
    eprint!("Apply {changes} change(s) to organization `{org}`? Type yes: ");
    std::io::stderr().flush()?;
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    if answer.trim() != "yes" {
        let said = sanitize_line(answer.trim());
        return Err(Failure(
            format!("nothing was sent: the answer was `{said}`, not `yes` (type the whole word to apply)"),
            EXIT_FAILED,
        ));
    }
    Ok(())
}

struct Pusher<'a> {
    session: &'a mut Session,
    rest: RestClient,
    dir: &'a Path,
    lock: Lock,
    files: &'a [PortalFile],
    /// Buildkite's portals as planned against.
    remote: &'a [PortalRecord],
    args: &'a PushArgs,
    done: Vec<String>,
}

impl Pusher<'_> {
    /// Each step in turn; the lock is written after every one, so it
    /// records what happened even when a later step fails.
    async fn apply(&mut self, steps: &[&PlanItem]) -> Result<(), (usize, ApiError)> {
        for (index, item) in steps.iter().enumerate() {
            let result = match &item.action {
                Action::Update {
                    current_slug,
                    changes,
                    ..
                } => self.update(item, current_slug, changes).await,
                Action::Create { portal } => self.create(item, portal).await,
                Action::Delete => self.delete(item).await,
                _ => Ok(()),
            };
            self.write_lock();
            if let Err(e) = result {
                return Err((index, e));
            }
            self.done.push(step_name(item));
        }
        Ok(())
    }

    /// The plan may have been on screen for minutes: a portal changed on
    /// Buildkite meanwhile is not overwritten (unless `--force`).
    async fn unchanged_since_plan(&self, item: &PlanItem, slug: &str) -> Result<(), ApiError> {
        let planned = self
            .remote
            .iter()
            .find(|r| Some(&r.portal.uuid) == item.uuid.as_ref());
        let (Some(planned), false) = (planned, self.args.force) else {
            return Ok(());
        };
        let now = self.rest.get_record(slug).await?;
        if portfile::record_hash(&now.raw) == portfile::record_hash(&planned.raw) {
            return Ok(());
        }
        Err(ApiError::Refused(format!(
            "`{}` changed on {} after the plan was made, so it was not overwritten; run the push again to see the new plan (or pass --force)",
            sanitize_line(slug),
            self.session.server_name()
        )))
    }

    fn write_lock(&self) {
        if let Err(e) = self.lock.write(self.dir) {
            warn(format!(
                "could not write {}: {e}; run `bkportals pull` before the next push",
                self.dir.join(portfile::LOCK_FILE).display()
            ));
        }
    }

    async fn update(
        &mut self,
        item: &PlanItem,
        current_slug: &str,
        changes: &crate::buildkite::PortalChanges,
    ) -> Result<(), ApiError> {
        self.unchanged_since_plan(item, current_slug).await?;
        let record = self.rest.update_record(current_slug, changes).await?;
        let portal = &record.portal;
        self.lock.set(&portal.uuid, &portal.slug, &record.raw);
        if portal.slug != current_slug {
            let org = self.session.org().to_owned();
            if let Err(e) = self
                .session
                .store
                .rename_portal(&org, current_slug, &portal.slug)
            {
                warn(format!(
                    "the stored token of {} was not moved to {}: {e}",
                    item.slug, portal.slug
                ));
            }
        }
        Ok(())
    }

    async fn create(
        &mut self,
        item: &PlanItem,
        new: &crate::buildkite::NewPortal,
    ) -> Result<(), ApiError> {
        let created = match self.rest.create(new).await {
            Ok(created) => created,
            Err(e) => {
                // Made, but its token was lost: the directory still owns it.
                if let ApiError::CreatedWithoutToken {
                    portal: Some(portal),
                    ..
                } = &e
                {
                    self.record_created(item, portal).await;
                }
                return Err(e);
            }
        };
        self.hand_over_token(&created.portal.slug, created.token);
        self.record_created(item, &created.portal).await;
        Ok(())
    }

    /// The new portal's uuid into its file, and its record into the lock.
    async fn record_created(&mut self, item: &PlanItem, portal: &crate::buildkite::Portal) {
        if let Some(file) = self.files.iter().find(|f| f.slug == item.slug) {
            let recorded = match &file.fields.uuid {
                Some(_) => rewrite_uuid(file, &portal.uuid),
                None => portfile::files::record_uuid(&file.fields_path, &portal.uuid),
            };
            if let Err(e) = recorded {
                warn(format!(
                    "could not record the new portal's uuid in {}: {e}; add `uuid = \"{}\"` to it",
                    file.fields_path.display(),
                    portal.uuid
                ));
            }
        }
        // The create's answer held the token: hash the record as a read returns it.
        match self.rest.get_record(&portal.slug).await {
            Ok(record) => self.lock.set(&portal.uuid, &portal.slug, &record.raw),
            Err(_) => self
                .lock
                .set_hash(&portal.uuid, &portal.slug, String::new()),
        }
    }

    async fn delete(&mut self, item: &PlanItem) -> Result<(), ApiError> {
        self.unchanged_since_plan(item, &item.slug).await?;
        self.rest.delete(&item.slug).await?;
        if let Some(uuid) = &item.uuid {
            self.lock.remove(uuid);
        }
        let org = self.session.org().to_owned();
        if let Err(e) = self.session.store.forget_portal_token(&org, &item.slug) {
            warn(format!(
                "the stored token of {} was not removed: {e}",
                item.slug
            ));
        }
        Ok(())
    }

    /// The new token goes to `--token-command` on stdin, else to the token
    /// store; it is printed only with `--show-tokens`.
    fn hand_over_token(&mut self, slug: &str, token: Secret) {
        if self.args.show_tokens {
            println!("{} {}", sanitize_line(slug), sanitize_line(token.expose()));
        }
        if let Some(command) = &self.args.token_command {
            match run_token_command(command, self.session.org(), slug, &token) {
                Ok(()) => return,
                Err(e) => warn(format!(
                    "--token-command failed for {slug} ({e}); the token goes to the token store instead"
                )),
            }
        }
        let org = self.session.org().to_owned();
        match self.session.store.set_portal_token(&org, slug, token) {
            Ok(()) => eprintln!("The token of {slug} is {}.", self.session.store.describe()),
            Err(e) => warn(format!(
                "the token of {slug} was not stored ({e}): make a new one on the portal's Security page"
            )),
        }
    }
}

/// A file that named a portal no longer on Buildkite now names the new one.
fn rewrite_uuid(file: &PortalFile, uuid: &str) -> std::io::Result<()> {
    let text = std::fs::read_to_string(&file.fields_path)?;
    let kept: String = text
        .lines()
        .filter(|line| !line.trim_start().starts_with("uuid"))
        .map(|line| format!("{line}\n"))
        .collect();
    portfile::files::write_file(&file.fields_path, &kept)?;
    portfile::files::record_uuid(&file.fields_path, uuid)
}

/// Runs CMD with the shell, the token on its stdin (never in its arguments
/// or environment), the portal in `BKPORTALS_PORTAL_SLUG`.
pub(super) fn run_token_command(
    command: &str,
    org: &str,
    slug: &str,
    token: &Secret,
) -> Result<(), String> {
    let (shell, flag) = if cfg!(windows) {
        ("cmd", "/C")
    } else {
        ("sh", "-c")
    };
    let mut child = std::process::Command::new(shell)
        .args([flag, command])
        .env("BKPORTALS_PORTAL_SLUG", slug)
        .env("BKPORTALS_ORGANIZATION", org)
        .stdin(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start it: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        let written = writeln!(stdin, "{}", token.expose());
        drop(stdin);
        if let Err(e) = written {
            let _ = child.wait();
            return Err(format!("could not hand it the token: {e}"));
        }
    }
    let status = child.wait().map_err(|e| e.to_string())?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("it exited with {status}"))
    }
}
