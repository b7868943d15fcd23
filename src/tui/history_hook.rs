//! The app's runs go into the same per-portal history as `bkportals invoke`
//! (`crate::history`): recorded by the runtime once the answer (or the
//! error) is in, off the event loop; a run stopped before (Esc, or a new
//! run, aborts its task) is recorded as cancelled, by `Unfinished`.

use std::time::{Duration, Instant};

use super::response::AnswerPiece;
use crate::buildkite::{ApiError, InvokeResponse};
use crate::history::{History, HistoryEntry, MAX_ANSWER};
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
    let mut entry = started_entry(run);
    match result {
        Ok(response) => {
            entry.status = Some(response.status);
            entry.keep_answer(&response.body);
        }
        Err(e) => entry.error = Some(e.to_string()),
    }
    entry
}

/// The entry of `run` before anything came back.
fn started_entry(run: &Run<'_>) -> HistoryEntry {
    let token = run
        .kind
        .and_then(|k| serde_json::to_value(k).ok())
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| "none".to_owned());
    HistoryEntry {
        at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        operation: run.operation.map(str::to_owned),
        variables: run.variables.clone(),
        token,
        status: None,
        error: None,
        duration_ms: run.took.as_millis() as u64,
        answer: String::new(),
        answer_bytes: 0,
        cancelled: false,
    }
}

/// A run in flight: recorded as cancelled, with what had arrived, when its
/// task is dropped before it ends; `finished` says it ends as recorded.
pub(super) struct Unfinished {
    history: History,
    org: String,
    slug: String,
    operation: Option<String>,
    variables: serde_json::Value,
    kind: Option<TokenKind>,
    started: Instant,
    status: Option<u16>,
    /// The answer's start (at most `MAX_ANSWER` bytes) and all bytes received.
    answer: String,
    received: u64,
    finished: bool,
}

impl Unfinished {
    pub fn new(
        (history, org, slug): (History, String, String),
        operation: Option<String>,
        variables: serde_json::Value,
        kind: Option<TokenKind>,
    ) -> Unfinished {
        Unfinished {
            history,
            org,
            slug,
            operation,
            variables,
            kind,
            started: Instant::now(),
            status: None,
            answer: String::new(),
            received: 0,
            finished: false,
        }
    }

    pub fn status(&mut self, status: u16) {
        self.status = Some(status);
    }

    /// A piece the app was sent (pieces are whole characters).
    pub fn piece(&mut self, piece: &AnswerPiece) {
        self.received = piece.received;
        if self.answer.len() + piece.text.len() <= MAX_ANSWER {
            self.answer.push_str(&piece.text);
        } else {
            let mut end = MAX_ANSWER - self.answer.len();
            while !piece.text.is_char_boundary(end) {
                end -= 1;
            }
            self.answer.push_str(&piece.text[..end]);
        }
    }

    /// The run ended (answer, cut or error) and records itself as such.
    pub fn finished(&mut self) {
        self.finished = true;
    }
}

impl Drop for Unfinished {
    fn drop(&mut self) {
        if self.finished {
            return;
        }
        let run = Run {
            operation: self.operation.as_deref(),
            variables: &self.variables,
            kind: self.kind,
            took: self.started.elapsed(),
        };
        let mut entry = started_entry(&run);
        entry.status = self.status;
        entry.answer = std::mem::take(&mut self.answer);
        entry.answer_bytes = self.received;
        entry.cancelled = true;
        let (history, org, slug) = (
            self.history.clone(),
            std::mem::take(&mut self.org),
            std::mem::take(&mut self.slug),
        );
        let write = move || {
            if let Err(e) = history.record(&org, &slug, &entry) {
                tracing::warn!("the cancelled run was not recorded in the history: {e}");
            }
        };
        // Dropped on the runtime (an aborted task): the file goes on the
        // blocking pool; anywhere else, here.
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => drop(runtime.spawn_blocking(write)),
            Err(_) => write(),
        }
    }
}

/// Writes the entry on the blocking pool; a failure is only logged (the
/// answer is on screen either way).
pub(super) async fn record(history: History, org: String, slug: String, entry: HistoryEntry) {
    let written = tokio::task::spawn_blocking(move || history.record(&org, &slug, &entry)).await;
    if let Ok(Err(e)) = written {
        tracing::warn!("the run was not recorded in the history: {e}");
    }
}
