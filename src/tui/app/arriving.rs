//! An answer shown as it arrives: the runtime's `AnswerStarted`, pieces and
//! cut (`tui/stream.rs`); `Answered` (running.rs) then puts the whole,
//! indexed, in its place where the reader was (folds of blocks that had
//! arrived whole too). While it arrives, or once it stopped before its end,
//! what needs the whole answer says so.

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
            Action::Search
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
            "Not the whole answer ({why} after {}): search, copy and save need all of it; Ctrl-r runs it again.",
            amount(arrival.received)
        ),
        None => format!(
            "Still receiving ({} so far): search, copy and save work once all of it is in.",
            amount(arrival.received)
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::super::tests::{ctrl, loaded, press, KeyCode};
    use super::*;
    use crate::tui::message::{Command, Msg};

    fn run_of(commands: &[Command]) -> u64 {
        match commands {
            [Command::Invoke { run, .. }] => *run,
            other => panic!("expected a run, got {other:?}"),
        }
    }

    fn piece(text: &str, received: u64) -> AnswerPiece {
        AnswerPiece {
            text: text.into(),
            received,
            complete: false,
        }
    }

    fn started(app: &mut App, run: u64) {
        let head = AnswerHead {
            status: 200,
            elapsed: std::time::Duration::from_millis(3),
            rate_limit: Default::default(),
            ran_as: None,
        };
        app.update(Msg::AnswerStarted {
            slug: "deploy-web".into(),
            run,
            head: Box::new(head),
        });
    }

    fn view(app: &App) -> &ResponseView {
        &app.answers["deploy-web"].view
    }

    #[test]
    fn a_new_run_stops_the_answer_arriving_and_what_the_old_run_still_sends_is_dropped() {
        let mut app = loaded();
        let first = run_of(&ctrl(&mut app, 'r'));
        started(&mut app, first);
        let text = r#"{"data":{"n":1,"#;
        app.update(Msg::AnswerPiece {
            slug: "deploy-web".into(),
            run: first,
            piece: piece(text, 4 << 20),
        });
        assert_eq!(app.focus, Focus::Response);
        assert!(view(&app).header_lines(80)[0]
            .1
            .starts_with("Receiving… 4.0 MB so far"));
        press(&mut app, KeyCode::Char('/')); // a search needs the whole
        assert!(
            app.status.starts_with("Still receiving (4.0 MB so far)"),
            "{}",
            app.status
        );

        let second = run_of(&ctrl(&mut app, 'r'));
        assert_ne!(second, first);
        let stopped = view(&app).arrival.as_ref().and_then(|a| a.stopped.clone());
        assert_eq!(stopped.as_deref(), Some(REPLACED));
        // Sent by the first run before it was stopped: none of it is shown.
        app.update(Msg::AnswerPiece {
            slug: "deploy-web".into(),
            run: first,
            piece: piece(r#""m":2}}"#, 5 << 20),
        });
        let mut whole = ResponseView::new(crate::buildkite::InvokeResponse {
            status: 200,
            elapsed: std::time::Duration::from_millis(9),
            rate_limit: Default::default(),
            body: r#"{"data":{"n":1,"m":2}}"#.into(),
            graphql: None,
        });
        whole.run = first;
        app.update(Msg::Answered {
            slug: "deploy-web".into(),
            view: Box::new(whole),
            ran_as: None,
        });
        assert_eq!(
            view(&app).body.raw(),
            text,
            "the first run's answer is not taken"
        );
        assert_eq!(app.running.as_ref().map(|r| r.run), Some(second));

        started(&mut app, second);
        assert!(view(&app).is_arriving());
        assert_eq!(view(&app).run, second);
    }
}
