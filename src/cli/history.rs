//! `history SLUG`: the portal's recorded invocations, oldest first.

use super::invoke::human_duration;
use super::session::Session;
use super::{Failure, Outcome, Output, EXIT_FAILED};
use crate::buildkite::ApiError;
use crate::history::History;
use crate::text::sanitize_line;

/// Variables are shown on one line, cut to this many characters.
const VARIABLES_WIDTH: usize = 60;

pub(super) async fn history(session: &Session, out: Output, slug: &str) -> Outcome {
    let entries = History::new(&session.data_dir).entries(session.org(), slug);
    if entries.is_empty() {
        portal_exists(session, slug).await?;
    }
    if out.json {
        out.print_json(&entries)?;
        return Ok(0);
    }
    if entries.is_empty() {
        eprintln!(
            "No runs of `{slug}` are recorded yet: `bkportals invoke {slug}` (or Ctrl-r in the app) records each one."
        );
        return Ok(0);
    }
    println!(
        "{:<20}  {:<16}  {:<11}  {:>6}  {:>8}  VARIABLES",
        "TIME", "OPERATION", "TOKEN", "STATUS", "TOOK"
    );
    for entry in &entries {
        let status = entry
            .status
            .map_or_else(|| "-".to_owned(), |s| s.to_string());
        let variables = cut(
            &sanitize_line(&entry.variables.to_string()),
            VARIABLES_WIDTH,
        );
        println!(
            "{:<20}  {:<16}  {:<11}  {status:>6}  {:>8}  {variables}",
            sanitize_line(&entry.at),
            sanitize_line(entry.operation.as_deref().unwrap_or("-")),
            sanitize_line(&entry.token),
            human_duration(std::time::Duration::from_millis(entry.duration_ms)),
        );
        if let Some(error) = &entry.error {
            println!("    {}", sanitize_line(error));
        }
        if entry.cancelled {
            println!(
                "    cancelled in the app after {} bytes of the answer",
                entry.answer_bytes
            );
        }
    }
    eprintln!(
        "{} of `{slug}` · `--json` gives each answer's start (up to {} KB)",
        super::plural(entries.len(), "run"),
        crate::history::MAX_ANSWER >> 10
    );
    Ok(0)
}

/// With no recorded run, whether the slug names a portal at all: an error
/// when Buildkite says it has none, so a mistyped slug is not taken for a
/// portal never run. When it cannot be asked (no API token, offline), the
/// caller says only that no run is recorded.
async fn portal_exists(session: &Session, slug: &str) -> Result<(), Failure> {
    let Ok(rest) = session.rest() else {
        return Ok(());
    };
    match rest.get(slug).await {
        Err(ApiError::NotFound { .. }) => Err(Failure(
            format!(
                "organization `{}` has no portal `{slug}`, and no run of one is recorded: `bkportals list` shows its portals",
                session.org()
            ),
            EXIT_FAILED,
        )),
        _ => Ok(()),
    }
}

fn cut(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_owned();
    }
    let kept: String = text.chars().take(width - 1).collect();
    format!("{kept}…")
}
