//! The portal form: creating a portal (fields and document), or editing
//! the fields of one.

use crate::text::plural;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::TextArea;

use super::{Dialog, DialogAction, Step};
use crate::buildkite::NewPortal;
use crate::graphql::completion::{self, Completion};
use crate::graphql::diagnostics::{parse_diagnostics, Diagnostic, DiagnosticKind};
use crate::graphql::schema::GraphqlSchema;
use crate::tui::editor::{
    edit_document, insert_completion, paste_into, Field, FieldDraft, Keyed, SYNC_PARSE_LIMIT,
};
use crate::tui::input::LineInput;
use crate::tui::undo::{EditClass, UndoGroups};

pub const NEW_PORTAL_TEMPLATE: &str = "query GetBuilds($pipelineSlug: ID!) {\n  pipeline(slug: $pipelineSlug) {\n    name\n    builds(first: 5) {\n      edges {\n        node {\n          number\n          state\n          url\n        }\n      }\n    }\n  }\n}\n";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormMode {
    Create,
    EditFields { slug: String },
}

/// The form's rows, in focus order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormRow {
    Name,
    Slug,
    Description,
    AllowedIps,
    UserInvokable,
    Document,
}

#[derive(Debug)]
pub struct PortalForm {
    pub mode: FormMode,
    pub name: LineInput,
    pub slug: LineInput,
    pub description: LineInput,
    pub allowed_ips: LineInput,
    pub user_invokable: bool,
    /// Only when creating: the document.
    pub document: Option<TextArea<'static>>,
    /// The document's undo, by word or change, as the portal's editor has.
    pub document_undo: UndoGroups,
    /// Syntax errors, found as you type (a large document's by the worker).
    pub document_diagnostics: Vec<Diagnostic>,
    /// The document is over `SYNC_PARSE_LIMIT` and changed since it was
    /// parsed: the worker parses it (`document_diagnostics` stay until then).
    pub parse_pending: bool,
    /// The generation last sent to the worker to be parsed.
    pub parse_requested: Option<u64>,
    /// A job for the document is with the worker: the next waits for it.
    pub awaiting_diagnostics: bool,
    /// Schema errors of the document at `generation`, from the worker.
    pub schema_diagnostics: Vec<Diagnostic>,
    /// Counts changes of the document, so late diagnostics are dropped.
    pub generation: u64,
    /// The generation last sent to be checked against the schema.
    pub schema_checked: Option<u64>,
    /// The generation `schema_diagnostics` are the verdict on.
    pub schema_verdict: Option<u64>,
    /// Counts changes of any value, so drafts follow the form.
    pub revision: u64,
    pub focus: usize,
    pub server_error: Option<(Option<Field>, String)>,
    pub submitting: bool,
    /// The organization's schema, for completion in the document.
    pub schema: Option<GraphqlSchema>,
    /// The completion list open in the document, and the chosen candidate.
    pub completion: Option<(Completion, usize)>,
}

impl PortalForm {
    /// Its keys, said at its bottom and in the app's footer behind it.
    /// `on_disk`: a paused creation is drafted on disk (not while another
    /// bkportals writes a new portal: then Esc keeps it in memory only).
    pub fn keys(&self, on_disk: bool) -> &'static str {
        match self.mode {
            FormMode::Create if on_disk => {
                "Tab next field · Ctrl-s create · Esc close (kept for later) · Ctrl-d discard"
            }
            FormMode::Create => {
                "Tab next field · Ctrl-s create · Esc close (kept in memory only) · Ctrl-d discard"
            }
            FormMode::EditFields { .. } => {
                "Tab next field · Ctrl-s save · Esc close (kept unsaved)"
            }
        }
    }

    pub fn create() -> PortalForm {
        PortalForm::new_creation(&FieldDraft::default(), NEW_PORTAL_TEMPLATE)
    }

    /// A creation with these values (a fresh one, or one kept on disk).
    pub fn new_creation(fields: &FieldDraft, document: &str) -> PortalForm {
        let mut form = PortalForm::with_fields(FormMode::Create, fields);
        form.document = Some(crate::tui::editor::text_area(document));
        form.parse_document();
        form
    }

    /// The fields of the portal `slug` (its slug on Buildkite, whatever the
    /// draft's slug says: the form always belongs to that portal).
    pub fn edit(slug: &str, draft: &FieldDraft) -> PortalForm {
        PortalForm::with_fields(
            FormMode::EditFields {
                slug: slug.to_owned(),
            },
            draft,
        )
    }

    /// The fields form, showing the server's refusal of its last save at
    /// the field it names (one about the document stays in the editor).
    pub fn edit_refused(
        slug: &str,
        draft: &FieldDraft,
        refusal: Option<&(Option<Field>, String)>,
    ) -> PortalForm {
        let mut form = PortalForm::edit(slug, draft);
        form.server_error = refusal.filter(|(field, _)| is_fields_row(*field)).cloned();
        form
    }

    /// What the server refused of this form's fields, while it stands (a
    /// change to the field it named clears it).
    pub fn fields_refusal(&self) -> Option<&(Option<Field>, String)> {
        self.server_error
            .as_ref()
            .filter(|(field, _)| is_fields_row(*field))
    }

    fn with_fields(mode: FormMode, draft: &FieldDraft) -> PortalForm {
        PortalForm {
            mode,
            name: LineInput::new(&draft.name),
            slug: LineInput::new(&draft.slug),
            description: LineInput::new(&draft.description),
            allowed_ips: LineInput::new(&draft.allowed_ips),
            user_invokable: draft.user_invokable,
            document: None,
            document_undo: UndoGroups::default(),
            document_diagnostics: Vec::new(),
            parse_pending: false,
            parse_requested: None,
            awaiting_diagnostics: false,
            schema_diagnostics: Vec::new(),
            generation: 0,
            schema_checked: None,
            schema_verdict: None,
            revision: 0,
            focus: 0,
            server_error: None,
            submitting: false,
            schema: None,
            completion: None,
        }
    }

    /// The document as text (empty when editing fields).
    pub fn document_text(&self) -> String {
        self.document
            .as_ref()
            .map(|d| d.lines().join("\n"))
            .unwrap_or_default()
    }

    /// Syntax errors first, then the schema's.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        let mut all = self.document_diagnostics.clone();
        if all.is_empty() {
            all.extend(self.schema_diagnostics.iter().cloned());
        }
        all
    }

    fn document_changed(&mut self) {
        self.parse_document();
        self.schema_diagnostics.clear();
        self.generation += 1;
    }

    /// Parses a small document here; a large one (a paste) is left to the
    /// worker, as the editor's is, so the input path stays quick.
    fn parse_document(&mut self) {
        let size = self.document.as_ref().map_or(0, |d| {
            let lines = d.lines();
            lines.iter().map(String::len).sum::<usize>() + lines.len().saturating_sub(1)
        });
        if size <= SYNC_PARSE_LIMIT {
            self.document_diagnostics = parse_diagnostics(&self.document_text());
            self.parse_pending = false;
        } else {
            self.parse_pending = true;
        }
    }

    /// Before submitting: a parse still with the worker is done here, once.
    pub fn settle_diagnostics(&mut self) {
        if self.parse_pending {
            self.document_diagnostics = parse_diagnostics(&self.document_text());
            self.parse_pending = false;
        }
    }

    /// The worker's diagnostics of the document at `generation` (late ones
    /// are dropped): syntax errors, or, with a schema, its verdict.
    pub fn diagnosed(&mut self, generation: u64, diagnostics: Vec<Diagnostic>) {
        self.awaiting_diagnostics = false;
        if generation != self.generation {
            return;
        }
        let (syntax, schema): (Vec<Diagnostic>, Vec<Diagnostic>) = diagnostics
            .into_iter()
            .partition(|d| d.kind == DiagnosticKind::Syntax);
        if self.parse_pending {
            self.document_diagnostics = syntax;
            self.parse_pending = false;
        }
        self.schema_diagnostics = schema;
        if self.schema_checked == Some(generation) {
            self.schema_verdict = Some(generation);
        }
    }

    /// A key while the completion list is open; true when it was used.
    fn completion_key(&mut self, key: KeyEvent) -> bool {
        let Some((found, selected)) = &mut self.completion else {
            return false;
        };
        let count = found.candidates.len().max(1);
        match key.code {
            KeyCode::Down => *selected = (*selected + 1) % count,
            KeyCode::Up => *selected = (*selected + count - 1) % count,
            KeyCode::Esc => self.completion = None,
            KeyCode::Tab | KeyCode::Enter => {
                let Some((found, selected)) = self.completion.take() else {
                    return false;
                };
                let Some(chosen) = found.candidates.get(selected) else {
                    return false;
                };
                // Enter after a name typed in full is a new line, not a choice.
                let typed_in_full = chosen.insert == chosen.label
                    && chosen.label.chars().count() == found.prefix_len;
                if key.code == KeyCode::Enter && typed_in_full {
                    return false;
                }
                if let Some(document) = &mut self.document {
                    self.document_undo.edit(document, EditClass::Other, |area| {
                        insert_completion(
                            area,
                            found.prefix_len + chosen.replace_before,
                            &chosen.insert,
                            chosen.cursor,
                        );
                        true
                    });
                    self.document_changed();
                }
            }
            _ => {
                self.completion = None;
                return false;
            }
        }
        true
    }

    /// After typing a name (or Ctrl-Space), what fits at the cursor, as in
    /// the document editor.
    fn complete_after(&mut self, key: KeyEvent) {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let asked = ctrl && key.code == KeyCode::Char(' ');
        let typed_name = crate::tui::input::typed_char(key)
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
        self.completion = None;
        let (Some(schema), Some(document)) = (&self.schema, &self.document) else {
            return;
        };
        if !asked && !typed_name {
            return;
        }
        let ratatui_textarea::DataCursor(row, column) = document.cursor();
        let found = completion::complete(schema, &self.document_text(), row, column);
        self.completion = found
            .filter(|f| {
                asked
                    || (f.prefix_len > 0
                        && f.candidates
                            .first()
                            .is_some_and(|c| c.label.chars().count() != f.prefix_len))
            })
            .map(|f| (f, 0));
    }

    /// Pasted text into the focused row.
    pub fn paste(&mut self, text: &str) {
        match self.focused() {
            FormRow::Name => self.name.paste(text),
            FormRow::Slug => self.slug.paste(text),
            FormRow::Description => self.description.paste(text),
            FormRow::AllowedIps => self.allowed_ips.paste(text),
            FormRow::Document => {
                if let Some(doc) = &mut self.document {
                    let undo = &mut self.document_undo;
                    undo.edit(doc, EditClass::Other, |area| paste_into(area, text));
                    self.document_changed();
                }
            }
            FormRow::UserInvokable => return,
        }
        self.revision += 1;
    }

    pub fn rows(&self) -> Vec<FormRow> {
        let mut rows = vec![
            FormRow::Name,
            FormRow::Slug,
            FormRow::Description,
            FormRow::AllowedIps,
            FormRow::UserInvokable,
        ];
        if self.document.is_some() {
            rows.push(FormRow::Document);
        }
        rows
    }

    pub fn focused(&self) -> FormRow {
        let rows = self.rows();
        rows[self.focus.min(rows.len() - 1)]
    }

    /// Each CIDR block that does not parse, said plainly.
    pub fn cidr_error(&self) -> Option<String> {
        cidr_error(self.allowed_ips.value())
    }

    pub fn draft(&self) -> FieldDraft {
        FieldDraft {
            name: self.name.value().trim().to_owned(),
            slug: self.slug.value().trim().to_owned(),
            description: self.description.value().to_owned(),
            allowed_ips: self.allowed_ips.value().trim().to_owned(),
            user_invokable: self.user_invokable,
        }
    }

    pub fn new_portal(&self) -> NewPortal {
        let draft = self.draft();
        let optional = |s: String| (!s.trim().is_empty()).then_some(s);
        NewPortal {
            name: draft.name,
            query: self.document_text(),
            slug: optional(draft.slug),
            description: optional(draft.description),
            allowed_ip_addresses: optional(draft.allowed_ips),
            user_invokable: draft.user_invokable,
        }
    }

    /// What stops submitting, said next to the field: the first of them.
    pub fn problem(&self) -> Option<(FormRow, String)> {
        self.problems().next()
    }

    /// Everything that stops submitting, in the form's order.
    pub fn problems(&self) -> impl Iterator<Item = (FormRow, String)> + '_ {
        [
            FormRow::Name,
            FormRow::Slug,
            FormRow::AllowedIps,
            FormRow::Document,
        ]
        .into_iter()
        .filter_map(|row| Some((row, self.problem_at(row)?)))
    }

    /// What is wrong with `row`'s value, if anything (each field's shown
    /// at once, not only the first).
    pub fn problem_at(&self, row: FormRow) -> Option<String> {
        match row {
            FormRow::Name if self.name.value().trim().is_empty() => {
                Some("a name is required".into())
            }
            FormRow::Slug => {
                let slug = self.slug.value().trim();
                // The creation form's slug may stay empty: Buildkite makes one.
                if slug.is_empty() && self.document.is_some() {
                    return None;
                }
                crate::buildkite::slug::slug_problem(slug)
            }
            FormRow::AllowedIps => self.cidr_error(),
            FormRow::Document
                if self.document.is_some() && !self.document_diagnostics.is_empty() =>
            {
                Some(format!(
                    "the document has {}",
                    plural(self.document_diagnostics.len(), "syntax error")
                ))
            }
            _ => None,
        }
    }

    /// Keys for the form. Returns false for keys the caller should handle
    /// (submit, cancel).
    pub fn edit_key(&mut self, key: KeyEvent) -> bool {
        let rows = self.rows().len();
        self.revision += 1;
        // The completion list takes Tab, Enter and arrows before the form.
        if self.focused() == FormRow::Document && self.completion_key(key) {
            return true;
        }
        match key.code {
            KeyCode::Tab => self.focus = (self.focus + 1) % rows,
            KeyCode::BackTab => self.focus = (self.focus + rows - 1) % rows,
            KeyCode::Down if self.focused() != FormRow::Document => {
                self.focus = (self.focus + 1).min(rows - 1)
            }
            KeyCode::Up if self.focused() != FormRow::Document => {
                self.focus = self.focus.saturating_sub(1)
            }
            _ => {
                let row = self.focused();
                let handled = match row {
                    FormRow::UserInvokable => {
                        let toggles = matches!(key.code, KeyCode::Char(' ') | KeyCode::Enter);
                        if toggles && !super::is_modified_letter(key) {
                            self.user_invokable = !self.user_invokable;
                            true
                        } else {
                            false
                        }
                    }
                    FormRow::Document => {
                        if key.code == KeyCode::Esc
                            || key.modifiers.contains(KeyModifiers::CONTROL)
                                && matches!(key.code, KeyCode::Char('s'))
                        {
                            false
                        } else if let Some(document) = &mut self.document {
                            let undo = &mut self.document_undo;
                            let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
                            let changed = match key.code {
                                KeyCode::Char('z') if ctrl => undo.undo(document),
                                KeyCode::Char('y') if ctrl => undo.redo(document),
                                _ => {
                                    let keyed = edit_document(document, undo, FORM_PAGE, key);
                                    keyed == Keyed::Changed
                                }
                            };
                            if changed {
                                self.document_changed();
                            }
                            self.complete_after(key);
                            true
                        } else {
                            false
                        }
                    }
                    FormRow::Name => self.name.key(key),
                    FormRow::Slug => self.slug.key(key),
                    FormRow::Description => self.description.key(key),
                    FormRow::AllowedIps => self.allowed_ips.key(key),
                };
                if handled
                    && self
                        .server_error
                        .as_ref()
                        .is_some_and(|(f, _)| field_row(*f) == Some(row))
                {
                    self.server_error = None;
                }
                return handled;
            }
        }
        true
    }
}

/// A key in the form: Ctrl-s submits, Esc closes (values kept), Ctrl-d
/// throws a paused creation away, Enter on a one-line field moves on.
/// Rows PageUp and PageDown move in the form's document (about what the
/// form shows of it at 80x24).
const FORM_PAGE: usize = 8;

pub fn key(mut form: Box<PortalForm>, key: KeyEvent) -> Step {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && key.code == KeyCode::Char('s') {
        return Step::act(DialogAction::SubmitForm(form));
    }
    if key.code == KeyCode::Esc && form.completion.is_some() {
        form.completion = None; // Esc closes the list first, not the form
        return Step::keep(Dialog::Form(form));
    }
    if key.code == KeyCode::Esc {
        return Step::act(DialogAction::CloseForm(form));
    }
    if ctrl && key.code == KeyCode::Char('d') && form.mode == FormMode::Create {
        let name = form.name.value().trim().to_owned();
        return Step::keep_and(Dialog::Form(form), DialogAction::AskDiscardCreation(name));
    }
    if !form.edit_key(key) && key.code == KeyCode::Enter {
        let rows = form.rows().len();
        form.focus = (form.focus + 1).min(rows - 1);
    }
    Step::keep(Dialog::Form(form))
}

pub use super::form_view::draw;

pub(super) fn field_row(field: Option<Field>) -> Option<FormRow> {
    Some(match field? {
        Field::Name => FormRow::Name,
        Field::Slug => FormRow::Slug,
        Field::Description => FormRow::Description,
        Field::AllowedIps => FormRow::AllowedIps,
        Field::UserInvokable => FormRow::UserInvokable,
        Field::Query => FormRow::Document,
    })
}

/// A field of the fields form (not the document, not none).
pub fn is_fields_row(field: Option<Field>) -> bool {
    field_row(field).is_some_and(|row| row != FormRow::Document)
}

pub fn cidr_error(list: &str) -> Option<String> {
    let bad: Vec<&str> = list
        .split_whitespace()
        .filter(|c| c.parse::<ipnet::IpNet>().is_err() && c.parse::<std::net::IpAddr>().is_err())
        .collect();
    match bad.as_slice() {
        [] => None,
        [one] => Some(format!("`{one}` is not a CIDR block like 192.0.2.0/24")),
        many => Some(format!("not CIDR blocks: {}", many.join(", "))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidrs_are_checked_as_typed() {
        assert_eq!(cidr_error("192.0.2.0/24 2001:db8::/32 10.1.2.3"), None);
        assert!(cidr_error("192.0.2.0/33").unwrap().contains("192.0.2.0/33"));
        assert!(cidr_error("a b").unwrap().starts_with("not CIDR blocks"));
    }

    #[test]
    fn the_create_form_needs_a_name_and_a_parsing_document() {
        let mut form = PortalForm::create();
        assert_eq!(form.problem().unwrap().0, FormRow::Name);
        for c in "Deploy".chars() {
            form.edit_key(KeyEvent::from(KeyCode::Char(c)));
        }
        assert_eq!(form.problem(), None);
        let new = form.new_portal();
        assert_eq!(new.name, "Deploy");
        assert_eq!(new.query, NEW_PORTAL_TEMPLATE);
        assert_eq!(new.slug, None);
    }
}
