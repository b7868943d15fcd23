//! `audit`: every portal's inventory line and the policies it breaks
//! (`crate::audit` has the rules); exit 1 when a policy fails, for a
//! scheduled CI job (warnings do not fail it unless `--strict`; findings to
//! review never do).

use std::io::Write;

use super::session::Session;
use super::{warn, Outcome, Output, EXIT_FAILED};
use crate::audit::{audit as audit_portal, PortalAudit, Severity};
use crate::text::sanitize_line;

pub(super) async fn audit(session: &Session, out: Output, strict: bool) -> Outcome {
    let portals = session.rest()?.list().await?;
    session.remember_slugs(&portals);
    let schema = match session.schema().await {
        Ok(loaded) => Some(loaded.schema),
        Err(e) => {
            warn(format!(
                "documents are checked for syntax only (validates: null): {e}"
            ));
            None
        }
    };
    let audits: Vec<PortalAudit> = portals
        .iter()
        .map(|p| audit_portal(p, schema.as_ref()))
        .collect();
    let failing = audits
        .iter()
        .filter(|a| a.fails() || (strict && a.warns()))
        .count();
    if out.json {
        out.print_json(&audits)?;
    } else {
        print_table(&audits)?;
    }
    if failing > 0 {
        let what = if strict { "fail or warn" } else { "fail" };
        eprintln!("{failing} of {} portals {what} a policy.", audits.len());
        Ok(EXIT_FAILED)
    } else {
        eprintln!("{} portals, no policy fails.", audits.len());
        Ok(0)
    }
}

fn print_table(audits: &[PortalAudit]) -> std::io::Result<()> {
    let mut stdout = std::io::stdout().lock();
    let width = audits
        .iter()
        .map(|a| sanitize_line(&a.slug).chars().count())
        .max()
        .unwrap_or(4)
        .max(4);
    let yes_no = |b: bool| if b { "yes" } else { "no" };
    writeln!(
        stdout,
        "{:<width$}  {:<24}  MUTATION  IP-RESTRICTED  USER-INVOKABLE  VALIDATES  CREATED",
        "SLUG", "OPERATIONS"
    )?;
    for a in audits {
        let operations: Vec<String> = a
            .operations
            .iter()
            .map(|o| sanitize_line(o.name.as_deref().unwrap_or("(anonymous)")))
            .collect();
        let validates = match a.validates {
            Some(v) => yes_no(v),
            None => "?",
        };
        writeln!(
            stdout,
            "{:<width$}  {:<24}  {:<8}  {:<13}  {:<14}  {validates:<9}  {} by {}",
            sanitize_line(&a.slug),
            operations.join(","),
            yes_no(a.mutation),
            yes_no(a.ip_restricted),
            yes_no(a.user_invokable),
            sanitize_line(&a.created_at),
            sanitize_line(&a.created_by),
        )?;
    }
    for a in audits {
        for f in &a.findings {
            // A note to review is not a warning: the app's `!` leaves it out too.
            let mark = match f.severity {
                Severity::Fails => "✗",
                Severity::Warns => "!",
                Severity::Review => "?",
            };
            writeln!(
                stdout,
                "{mark} {}: {} [{}]",
                sanitize_line(&a.slug),
                sanitize_line(&f.message),
                f.policy
            )?;
        }
    }
    Ok(())
}
