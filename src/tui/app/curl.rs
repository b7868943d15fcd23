//! `C` on the response, and on the variables pane where it is not typed
//! into a value: the selected portal's request, with the variables form as
//! it stands, copied as a curl command (the event loop builds it: it knows
//! the portal endpoint). The token is `$TOKEN`, never its value.

use super::App;
use crate::tui::message::Command;
use crate::tui::run::VariablesForm;

impl App {
    pub(super) fn copy_curl(&mut self) -> Vec<Command> {
        let Some(slug) = self.selected_slug() else {
            return Vec::new();
        };
        let Some(form) = &mut self.variables else {
            self.say("No variables form yet: open the portal first.");
            return Vec::new();
        };
        let operation = if form.operations.len() > 1 {
            form.operation_name().map(str::to_owned)
        } else {
            None
        };
        let Ok(variables) = form.values() else {
            let why = unconverted(form);
            self.say(format!(
                "Nothing copied: {why}. Fix it in the variables form, then C copies the request."
            ));
            return Vec::new();
        };
        // The clipboard's answer names it: a command, its token a placeholder.
        self.copying = Some(format!(
            "a curl command for {} ($TOKEN in place of its token)",
            crate::text::sanitize_line(&slug)
        ));
        vec![Command::CopyCurl {
            slug,
            operation,
            variables,
        }]
    }
}

/// The first row that does not convert and why (`values` just marked each),
/// and how many others do not either.
fn unconverted(form: &VariablesForm) -> String {
    let mut bad = form
        .rows
        .iter()
        .zip(&form.errors)
        .filter_map(|(row, error)| Some((row.label(), error.as_deref()?)));
    let Some((label, why)) = bad.next() else {
        return "a variable does not convert".to_owned();
    };
    let others = bad.count();
    let more = match others {
        0 => String::new(),
        1 => " (and 1 more)".to_owned(),
        n => format!(" (and {n} more)"),
    };
    // The form's own words: "expects an Int ...", "required (ID!)".
    let verb = if why.starts_with("required") {
        "is "
    } else {
        ""
    };
    format!(
        "{} {verb}{}{more}",
        crate::text::sanitize_line(&label),
        crate::text::sanitize_line(why)
    )
}
