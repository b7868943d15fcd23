//! `H` on the list or the response: the selected portal's recorded runs
//! (read by the runtime on the blocking pool), and running one again.

use super::App;
use crate::tui::dialogs::{Dialog, HistoryDialog};
use crate::tui::message::Command;

/// The largest answer on screen `d` compares (it is parsed on the event loop).
const COMPARE_LIMIT: usize = 4 << 20;

impl App {
    pub(super) fn open_history(&mut self) -> Vec<Command> {
        let Some(slug) = self.selected_slug() else {
            return Vec::new();
        };
        self.say(format!("Reading the runs of {slug}…"));
        vec![Command::ReadHistory(slug)]
    }

    /// The history was read: shown only while its portal is still selected.
    pub(super) fn on_history_read(
        &mut self,
        slug: String,
        entries: Vec<crate::history::HistoryEntry>,
    ) {
        if self.selected_slug().as_deref() != Some(slug.as_str()) {
            return;
        }
        if entries.is_empty() {
            self.say(format!(
                "No runs of {slug} are recorded yet: Ctrl-r runs it."
            ));
            return;
        }
        self.say("");
        self.dialogs
            .close_where(|d| matches!(d, Dialog::History(_)));
        self.dialogs
            .open(Dialog::History(HistoryDialog::new(slug, entries)));
    }

    /// `d` in the history without two marked runs: the selected run's
    /// answer against the one on screen, when there is one small enough
    /// (the answer itself, not a jq filter's view of it: runs record answers).
    pub(super) fn compare_with_answer(&mut self, mut dialog: HistoryDialog) {
        let answer = self
            .answers
            .get(&dialog.slug)
            .filter(|a| a.view.arrival.is_none()) // a part is not the answer
            .map(|a| a.view.answer_body().raw())
            .filter(|raw| raw.len() <= COMPARE_LIMIT);
        match answer {
            Some(answer) => dialog.compare_with(answer),
            None => self.say(format!(
                "No answer of {} on screen to compare (or over {} MB): Space marks two runs, then d.",
                dialog.slug,
                COMPARE_LIMIT >> 20
            )),
        }
        self.dialogs.open(Dialog::History(dialog));
    }

    /// Enter in the history: the variables form gets the entry's operation
    /// and values, then it runs as Ctrl-r runs (asking first when the
    /// document has unsaved changes).
    pub(super) fn rerun(
        &mut self,
        slug: String,
        operation: Option<String>,
        variables: serde_json::Value,
    ) -> Vec<Command> {
        if self.selected_slug().as_deref() != Some(slug.as_str()) {
            return Vec::new();
        }
        self.focus_variables_form();
        let Some(form) = &mut self.variables else {
            return Vec::new();
        };
        if let Some(name) = &operation {
            if !form.select_operation(name, &self.remembered) {
                self.say(format!(
                    "The document has no operation {name} any more: pick one in the variables form."
                ));
                return Vec::new();
            }
        }
        if let Err(why) = form.fill(&variables, &mut self.remembered) {
            self.say(format!("The recorded variables cannot be used: {why}"));
            return Vec::new();
        }
        self.run()
    }
}
