//! `C` on the response: the selected portal's request, with the variables
//! form as it stands, copied as a curl command (the event loop builds it:
//! it knows the portal endpoint). The token is `$TOKEN`, never its value.

use super::App;
use crate::tui::message::Command;

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
            self.say("Fix the variables first: the request is copied as it would run.");
            return Vec::new();
        };
        vec![Command::CopyCurl {
            slug,
            operation,
            variables,
        }]
    }
}
