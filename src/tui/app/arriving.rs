//! An answer shown as it arrives: the runtime's `AnswerStarted`, pieces and
//! cut (`tui/stream.rs`); `Answered` (running.rs) then puts the whole,
//! indexed, in its place where the reader was. While it arrives, or once it
//! stopped before its end, what needs the whole answer says so.

use super::{Answer, App, Cause, Focus};
use crate::buildkite::ApiError;
use crate::tui::keymap::Action;
use crate::tui::response::{amount, AnswerHead, AnswerPiece, ResponseView};

/// What a stream stopped by a new run says it was.
const REPLACED: &str = "stopped by a new run";

impl App {
    /// The run in flight is `run` of `slug`.
    fn is_run(&self, slug: &str, run: u64) -> bool {
        self.running
            .as_ref()
            .is_some_and(|r| r.slug == slug && r.run == run)
    }

    /// The status is in: the pane shows the answer from its first piece on.
    pub(super) fn on_answer_started(&mut self, slug: String, run: u64, head: AnswerHead) {
        if !self.is_run(&slug, run) {
            return; // cancelled: no longer wanted
        }
        self.resolved(Cause::Run);
        if !self.status_sticky {
            self.say(format!("Receiving the answer of {slug}… Esc cancels."));
        }
        if self.selected_slug().as_deref() == Some(slug.as_str()) {
            self.focus = Focus::Response;
        }
        let operation = self.running.as_ref().and_then(|r| r.operation.clone());
        let answer = Answer {
            view: ResponseView::arriving(&head, run),
            operation,
            ran_as: head.ran_as,
        };
        self.answers.insert(slug, answer);
    }

    pub(super) fn on_answer_piece(&mut self, slug: &str, run: u64, piece: &AnswerPiece) {
        if !self.is_run(slug, run) {
            return;
        }
        let Some(answer) = self.answers.get_mut(slug).filter(|a| a.view.run == run) else {
            return;
        };
        answer.view.arrived(piece);
        // The count changes often: the status line follows it without
        // filling the message log.
        if !self.status_sticky {
            self.status = if piece.complete {
                format!(
                    "All of {slug}'s answer is in ({}): indexing it…",
                    amount(piece.received)
                )
            } else {
                format!(
                    "Receiving the answer of {slug}: {} so far… Esc cancels.",
                    amount(piece.received)
                )
            };
        }
    }

    /// The body stopped before its end: what came stays, marked cut.
    pub(super) fn on_answer_cut(&mut self, slug: String, run: u64, error: ApiError) {
        if !self.is_run(&slug, run) {
            return;
        }
        self.running = None;
        let received = match self.answers.get_mut(&slug) {
            Some(answer) if answer.view.run == run => {
                answer.view.stop_arriving("cut");
                answer.view.arrival.as_ref().map_or(0, |a| a.received)
            }
            _ => 0,
        };
        self.say_because(
            Cause::Run,
            format!(
                "The answer of {slug} was cut after {}: {error}. What arrived is shown; it is not the whole answer.",
                amount(received)
            ),
        );
    }

    /// The answer of the run in flight is arriving: Esc or a new run stops it.
    pub(super) fn answer_arriving(&self) -> bool {
        self.running.as_ref().is_some_and(|r| {
            self.answers
                .get(&r.slug)
                .is_some_and(|a| a.view.run == r.run && a.view.is_arriving())
        })
    }

    /// Stops showing the answer of the run in flight as arriving (`why`);
    /// the runtime stops reading it when the run is cancelled or replaced.
    pub(super) fn stop_arriving(&mut self, why: &str) {
        let Some(running) = &self.running else {
            return;
        };
        if let Some(answer) = self.answers.get_mut(&running.slug) {
            if answer.view.run == running.run {
                answer.view.stop_arriving(why);
            }
        }
    }

    /// A new run while an answer arrives replaces it.
    pub(super) fn replace_arriving(&mut self) {
        if self.answer_arriving() {
            self.stop_arriving(REPLACED);
            self.running = None;
        }
    }
}

/// Why `action` waits for the whole answer, when `view` is not whole.
pub(super) fn needs_whole(view: &ResponseView, action: Option<Action>) -> Option<String> {
    let arrival = view.arrival.as_ref()?;
    let needs = matches!(
        action,
        Some(
            Action::Fold
                | Action::Search
                | Action::Filter
                | Action::NextMatch
                | Action::PreviousMatch
                | Action::CopyBody
                | Action::CopyValue
                | Action::CopyPath
                | Action::SaveBody
        )
    );
    if !needs {
        return None;
    }
    Some(match &arrival.stopped {
        Some(why) => format!(
            "Not the whole answer ({why} after {}): folds, search, copy and save need all of it; Ctrl-r runs it again.",
            amount(arrival.received)
        ),
        None => format!(
            "Still receiving ({} so far): folds, search, copy and save work once all of it is in.",
            amount(arrival.received)
        ),
    })
}
