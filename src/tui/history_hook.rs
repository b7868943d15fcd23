//! The app's runs go into the same per-portal history as `bkportals invoke`
//! (`crate::history`): recorded by the runtime once the answer (or the
//! error) is in, off the event loop.

use std::time::Duration;

use crate::buildkite::{ApiError, InvokeResponse};
use crate::history::{History, HistoryEntry};
use crate::secrets::TokenKind;

/// One run, as the runtime saw it.
pub(super) struct Run<'a> {
    pub operation: Option<&'a str>,
    pub variables: &'a serde_json::Value,
    pub kind: Option<TokenKind>,
    pub took: Duration,
}

/// The entry for `run` and what came back; never the token, only its kind.
pub(super) fn entry(run: &Run<'_>, result: &Result<InvokeResponse, ApiError>) -> HistoryEntry {
    let token = run
        .kind
        .and_then(|k| serde_json::to_value(k).ok())
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| "none".to_owned());
    let mut entry = HistoryEntry {
        at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        operation: run.operation.map(str::to_owned),
        variables: run.variables.clone(),
        token,
        status: None,
        error: None,
        duration_ms: run.took.as_millis() as u64,
        answer: String::new(),
        answer_bytes: 0,
    };
    match result {
        Ok(response) => {
            entry.status = Some(response.status);
            entry.keep_answer(&response.body);
        }
        Err(e) => entry.error = Some(e.to_string()),
    }
    entry
}

/// Writes the entry on the blocking pool; a failure is only logged (the
/// answer is on screen either way).
pub(super) async fn record(history: History, org: String, slug: String, entry: HistoryEntry) {
    let written = tokio::task::spawn_blocking(move || history.record(&org, &slug, &entry)).await;
    if let Ok(Err(e)) = written {
        tracing::warn!("the run was not recorded in the history: {e}");
    }
}
