//! A portal being edited: its document in a text area, its fields, the parse
//! diagnostics, and the server's complaints from the last save.

use ratatui_textarea::TextArea;

use crate::buildkite::{Portal, PortalChanges};
use crate::graphql::complexity::OperationComplexity;
use crate::graphql::diagnostics::{parse_diagnostics, Diagnostic, DiagnosticKind};
use crate::graphql::highlight::{graphql_document, Highlights};
use crate::tui::undo::UndoGroups;

mod keys;
mod viewport;
pub use keys::{edit_document, matches_on_line, Find, Keyed};
pub use viewport::{viewport, Viewport};

/// A portal field, to place a server message next to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Name,
    Slug,
    Description,
    AllowedIps,
    UserInvokable,
    Query,
}

impl Field {
    /// Which field a `Validation failed: ...` message is about, when it says.
    pub fn of_message(message: &str) -> Option<Field> {
        let text = message
            .trim_start_matches("Validation failed:")
            .trim()
            .to_lowercase();
        [
            ("allowed ip", Field::AllowedIps),
            ("slug", Field::Slug),
            ("query", Field::Query),
            ("description", Field::Description),
            ("user invokable", Field::UserInvokable),
            ("name", Field::Name),
        ]
        .into_iter()
        .find(|(word, _)| text.starts_with(word))
        .map(|(_, field)| field)
    }
}

/// The editable fields of a portal, as text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldDraft {
    pub name: String,
    pub slug: String,
    pub description: String,
    pub allowed_ips: String,
    pub user_invokable: bool,
}

impl FieldDraft {
    pub fn of(portal: &Portal) -> FieldDraft {
        FieldDraft {
            name: portal.name.clone(),
            slug: portal.slug.clone(),
            description: portal.description.clone().unwrap_or_default(),
            allowed_ips: portal.allowed_ip_addresses.clone().unwrap_or_default(),
            user_invokable: portal.user_invokable,
        }
    }
}

#[derive(Debug)]
pub struct PortalEdit {
    /// The portal as the server last showed it.
    pub base: Portal,
    pub document: TextArea<'static>,
    pub fields: FieldDraft,
    pub diagnostics: Vec<Diagnostic>,
    /// First document row on screen.
    pub scroll: usize,
    /// The server's message from the last failed save, and the field it names.
    pub server_error: Option<(Option<Field>, String)>,
    pub saving: bool,
    /// What the save on its way sent: the text and the fields.
    sent: Option<(String, FieldDraft)>,
    /// Counts document changes, so late diagnostics of old text are dropped.
    pub generation: u64,
    /// Counts every change of text or base, so a draft on disk can follow.
    pub revision: u64,
    /// Diagnostics are behind the text (a large document is parsed off the
    /// input path, see `key`).
    pub diagnostics_pending: bool,
    /// The text parses but has not been validated against the schema since
    /// it changed (validation always runs off the input path).
    pub validation_pending: bool,
    /// The generation last sent off for diagnostics, so it is sent once.
    pub requested_generation: Option<u64>,
    /// A diagnostics job is out: the next waits for it, so a large document
    /// typed into quickly does not pile up jobs (or copies of its text).
    pub awaiting_diagnostics: bool,
    /// Undo and redo by edit group (a word, a paste), not by character.
    undo: UndoGroups,
    /// Rows of text on screen, what PageUp/PageDown move by.
    page: usize,
    /// Find in the document (Ctrl-g), while open.
    pub find: Option<Find>,
    /// What the last find closed held: Ctrl-g starts with it.
    pub last_needle: String,
    /// `document_dirty` at a revision.
    dirty_at: std::cell::Cell<Option<(u64, bool)>>,
    /// `size()` at a revision: asked on every key and frame, and summing a
    /// 20 MB document's lines each time showed in the frame's time.
    size_at: std::cell::Cell<Option<(u64, usize)>>,
    /// The document's highlighting at a revision: lexed once per change,
    /// then each frame reads only the lines on screen.
    highlights: std::cell::RefCell<Option<(u64, Highlights)>>,
    /// The requested complexity of each operation at a generation (empty:
    /// it does not parse); kept by `App::editing_complexity`.
    pub requested: std::cell::RefCell<Option<(u64, Vec<OperationComplexity>)>>,
}

/// Documents up to this size are parsed on every keystroke; larger ones are
/// parsed on a worker so typing stays fast.
pub const SYNC_PARSE_LIMIT: usize = 16 * 1024;

/// Larger documents are read-only here: the text area redoes its whole
/// screen map on every change (about 20 ms a megabyte), so they are edited
/// in `$EDITOR` instead. Moving around them stays instant.
pub const EDITABLE_LIMIT: usize = 1024 * 1024;

impl PortalEdit {
    pub fn new(portal: &Portal) -> PortalEdit {
        let mut edit = PortalEdit {
            base: portal.clone(),
            document: text_area(&portal.query),
            fields: FieldDraft::of(portal),
            diagnostics: Vec::new(),
            scroll: 0,
            server_error: None,
            saving: false,
            sent: None,
            generation: 0,
            revision: 0,
            diagnostics_pending: false,
            validation_pending: false,
            requested_generation: None,
            awaiting_diagnostics: false,
            undo: UndoGroups::default(),
            page: 10,
            find: None,
            last_needle: String::new(),
            dirty_at: std::cell::Cell::new(None),
            size_at: std::cell::Cell::new(None),
            highlights: std::cell::RefCell::new(None),
            requested: std::cell::RefCell::new(None),
        };
        if portal.query.len() <= SYNC_PARSE_LIMIT {
            edit.diagnostics = parse_diagnostics(&portal.query);
            edit.validation_pending = edit.diagnostics.is_empty();
        } else {
            // Opening a large document must not wait for its parse.
            edit.diagnostics_pending = true;
            edit.validation_pending = true;
        }
        edit
    }

    pub fn text(&self) -> String {
        self.document.lines().join("\n")
    }

    /// The document's size in bytes, without joining its lines.
    pub fn size(&self) -> usize {
        if let Some((revision, size)) = self.size_at.get() {
            if revision == self.revision {
                return size;
            }
        }
        let lines = self.document.lines();
        let size = lines.iter().map(String::len).sum::<usize>() + lines.len().saturating_sub(1);
        self.size_at.set(Some((self.revision, size)));
        size
    }

    pub fn document_dirty(&self) -> bool {
        // Asked several times a frame: compared once per revision, without
        // building the joined text.
        if let Some((revision, dirty)) = self.dirty_at.get() {
            if revision == self.revision {
                return dirty;
            }
        }
        let mut lines = self.base.query.split('\n');
        let same = self
            .document
            .lines()
            .iter()
            .all(|l| lines.next() == Some(l.as_str()))
            && lines.next().is_none();
        self.dirty_at.set(Some((self.revision, !same)));
        !same
    }

    pub fn is_dirty(&self) -> bool {
        self.document_dirty() || self.fields != FieldDraft::of(&self.base)
    }

    /// What of it is unsaved, as the quit question names it.
    pub fn unsaved_parts(&self) -> &'static str {
        match (
            self.document_dirty(),
            self.fields != FieldDraft::of(&self.base),
        ) {
            (true, true) => "document and fields",
            (true, false) => "document",
            (false, true) => "fields",
            (false, false) => "",
        }
    }

    /// What a save sends: only what differs from the version loaded.
    pub fn changes(&self) -> PortalChanges {
        self.changes_over(&self.base)
    }

    /// What makes `server` into this edit's version: every field that differs.
    pub fn changes_over(&self, server: &Portal) -> PortalChanges {
        changes_to(server, &self.text(), &self.fields)
    }

    /// What the save on its way sends: the edit as it was when it started.
    pub fn changes_at_save(&self) -> PortalChanges {
        match &self.sent {
            Some((text, fields)) => changes_to(&self.base, text, fields),
            None => self.changes(),
        }
    }

    /// The cursor as (row, column in chars).
    pub fn cursor(&self) -> (usize, usize) {
        let ratatui_textarea::DataCursor(row, column) = self.document.cursor();
        (row, column)
    }

    /// Lays the document out canonically (one undoable change); the error
    /// says why not. The cursor stays on its line where it can.
    pub fn format(&mut self) -> Result<bool, String> {
        let text = self.text();
        let formatted = crate::graphql::format::format(&text)?;
        if formatted == text {
            return Ok(false);
        }
        let ratatui_textarea::DataCursor(row, column) = self.document.cursor();
        self.replace_text(&formatted);
        let row = row.min(self.document.lines().len().saturating_sub(1)) as u16;
        self.document
            .move_cursor(ratatui_textarea::CursorMove::Jump(row, column as u16));
        Ok(true)
    }

    fn reparse(&mut self) {
        self.generation += 1;
        self.revision += 1;
        if matches!(self.server_error, Some((Some(Field::Query), _))) {
            self.server_error = None;
        }
        if self.size() <= SYNC_PARSE_LIMIT {
            let syntax = parse_diagnostics(&self.text());
            self.diagnostics_pending = false;
            self.validation_pending = syntax.is_empty();
            if syntax.is_empty() {
                // Schema diagnostics stay until the new ones arrive (a few
                // milliseconds), so the list does not flicker while typing.
                self.diagnostics
                    .retain(|d| d.kind == DiagnosticKind::Schema);
            } else {
                self.diagnostics = syntax;
            }
        } else {
            self.diagnostics_pending = true;
            self.validation_pending = true;
        }
    }

    /// Diagnostics computed elsewhere for `generation` of the text.
    pub fn diagnosed(&mut self, generation: u64, diagnostics: Vec<Diagnostic>) {
        self.awaiting_diagnostics = false;
        if generation == self.generation {
            self.diagnostics = diagnostics;
            self.diagnostics_pending = false;
            self.validation_pending = false;
        }
    }

    /// The schema changed: what this text was validated against is gone.
    pub fn revalidate(&mut self) {
        self.generation += 1;
        if !self.diagnostics_pending {
            self.validation_pending = !self
                .diagnostics
                .iter()
                .any(|d| d.kind == DiagnosticKind::Syntax);
        }
    }

    /// A save of the edit as it stands is on its way.
    pub fn begin_save(&mut self) {
        self.saving = true;
        self.server_error = None;
        self.sent = Some((self.text(), self.fields.clone()));
    }

    /// The server accepted a save: its answer becomes the new base. What
    /// was typed while the save was on its way stays (still unsaved).
    pub fn saved(&mut self, portal: Portal) {
        let (sent_text, sent_fields) = self
            .sent
            .take()
            .unwrap_or_else(|| (self.text(), self.fields.clone()));
        self.base = portal;
        if self.fields == sent_fields {
            self.fields = FieldDraft::of(&self.base);
        }
        let text = self.text();
        if text == sent_text && text != self.base.query {
            self.replace_text(&self.base.query.clone());
        }
        self.server_error = None;
        self.saving = false;
        self.revision += 1;
    }

    /// A save did not happen (refused, failed, or found a conflict).
    pub fn save_failed(&mut self) {
        self.saving = false;
        self.sent = None;
    }

    /// Throws away unsaved changes of the document and/or the fields.
    pub fn discard(&mut self, document: bool, fields: bool) {
        if document && self.document_dirty() {
            self.replace_text(&self.base.query.clone());
        }
        if fields {
            self.fields = FieldDraft::of(&self.base);
        }
        self.revision += 1;
    }

    /// The fields differ from the version loaded.
    pub fn fields_dirty(&self) -> bool {
        self.fields != FieldDraft::of(&self.base)
    }

    /// Someone else changed the portal: take their values wherever this edit
    /// left a field (or the document) as it was, keep this edit's changes,
    /// and make their version the new base.
    pub fn rebase(&mut self, server: Portal) {
        let old = FieldDraft::of(&self.base);
        let theirs = FieldDraft::of(&server);
        let mine = &mut self.fields;
        macro_rules! merge {
            ($field:ident) => {
                if mine.$field == old.$field {
                    mine.$field = theirs.$field.clone();
                }
            };
        }
        merge!(name);
        merge!(slug);
        merge!(description);
        merge!(allowed_ips);
        merge!(user_invokable);
        let document_untouched = !self.document_dirty();
        self.base = server;
        if document_untouched {
            self.replace_text(&self.base.query.clone());
        }
        self.saving = false;
        self.sent = None;
        self.revision += 1;
    }

    /// The edit as a draft to keep on disk (`saved_at` is stamped when written).
    pub fn to_draft(&self, org: &str) -> crate::drafts::Draft {
        crate::drafts::Draft {
            org: org.to_owned(),
            slug: self.base.slug.clone(),
            base: self.base.clone(),
            document: self.text(),
            name: self.fields.name.clone(),
            new_slug: self.fields.slug.clone(),
            description: self.fields.description.clone(),
            allowed_ips: self.fields.allowed_ips.clone(),
            user_invokable: self.fields.user_invokable,
            saved_at: String::new(),
        }
    }

    /// An edit brought back from a draft: on top of the version it started from.
    pub fn from_draft(draft: &crate::drafts::Draft) -> PortalEdit {
        let mut edit = PortalEdit::new(&draft.base);
        edit.replace_text(&draft.document);
        edit.fields = FieldDraft {
            name: draft.name.clone(),
            slug: draft.new_slug.clone(),
            description: draft.description.clone(),
            allowed_ips: draft.allowed_ips.clone(),
            user_invokable: draft.user_invokable,
        };
        edit
    }

    /// The highlighting of the document as it is now; None for documents
    /// too large to edit here (their lines on screen are lexed alone).
    pub fn highlights(&self) -> Option<std::cell::Ref<'_, Highlights>> {
        if self.size() > EDITABLE_LIMIT {
            return None;
        }
        let stale = !matches!(&*self.highlights.borrow(), Some((revision, _)) if *revision == self.revision);
        if stale {
            *self.highlights.borrow_mut() = Some((self.revision, graphql_document(&self.text())));
        }
        std::cell::Ref::filter_map(self.highlights.borrow(), |cached| {
            cached.as_ref().map(|(_, highlights)| highlights)
        })
        .ok()
    }

    /// Where the document sits inside `inner`, as drawn (`focused`: with
    /// the cursor kept in view).
    pub fn viewport(&self, inner: ratatui::layout::Rect, focused: bool) -> Viewport {
        viewport(
            inner,
            self.document.lines().len(),
            self.diagnostics.len(),
            self.scroll,
            focused.then(|| self.cursor()),
        )
    }

    /// Keeps the cursor's row on screen for a view `height` rows tall.
    pub fn follow_cursor(&mut self, height: usize) {
        let row = self.document.cursor().0;
        let height = height.max(1);
        self.page = height;
        if row < self.scroll {
            self.scroll = row;
        } else if row >= self.scroll + height {
            self.scroll = row + 1 - height;
        }
    }
}

/// What makes `server` into a version with `text` and `fields`.
fn changes_to(server: &Portal, text: &str, fields: &FieldDraft) -> PortalChanges {
    let wanted = PortalChanges {
        name: Some(fields.name.clone()),
        slug: Some(fields.slug.clone()),
        description: Some(fields.description.clone()),
        query: Some(text.to_owned()),
        allowed_ip_addresses: Some(fields.allowed_ips.clone()),
        user_invokable: Some(fields.user_invokable),
    };
    PortalChanges::diff(server, wanted)
}

/// Replaces the `prefix_len` chars before the cursor with a completion's
/// `insert`, leaving the cursor `cursor` chars into it (the document editor
/// and the creation form).
pub fn insert_completion(
    area: &mut TextArea<'static>,
    prefix_len: usize,
    insert: &str,
    cursor: usize,
) {
    use ratatui_textarea::CursorMove;
    for _ in 0..prefix_len {
        area.move_cursor(CursorMove::Back);
    }
    area.delete_str(prefix_len);
    area.insert_str(insert);
    for _ in cursor..insert.chars().count() {
        area.move_cursor(CursorMove::Back);
    }
}

/// A new line that keeps the current line's indent, one level deeper after
/// an opening bracket (the document editor and the creation form).
pub fn indent_newline(document: &mut TextArea<'static>) {
    let ratatui_textarea::DataCursor(row, column) = document.cursor();
    let line = document.lines().get(row).map_or("", String::as_str);
    let indent: String = line.chars().take_while(|c| *c == ' ').collect();
    let opens = line
        .chars()
        .take(column)
        .collect::<String>()
        .trim_end()
        .ends_with(['{', '(', '[']);
    let deeper = if opens { "  " } else { "" };
    document.insert_newline();
    document.insert_str(format!("{indent}{deeper}"));
}

/// Pastes into a document text area (the editor's, the create form's): CR
/// and CRLF, as terminals send them, become line breaks, in one insertion.
/// An empty paste changes nothing: the text area would delete the selection
/// and still answer "unchanged", so the change would be neither drafted nor
/// undoable.
pub fn paste_into(area: &mut TextArea<'_>, text: &str) -> bool {
    let text = super::input::multi_line_paste(text);
    if text.is_empty() {
        return false;
    }
    let unindented = drop_auto_indent(area, &text);
    area.insert_str(text) || unindented
}

/// On a line that holds only its indent (as Enter leaves it), a paste
/// that brings its own indent replaces that one: the two would add up.
fn drop_auto_indent(area: &mut TextArea<'_>, text: &str) -> bool {
    if area.is_selecting() || !text.starts_with([' ', '\t']) {
        return false;
    }
    let ratatui_textarea::DataCursor(row, column) = area.cursor();
    let Some(line) = area.lines().get(row) else {
        return false;
    };
    let only_indent =
        !line.is_empty() && line.chars().all(|c| c == ' ') && column == line.chars().count();
    if !only_indent {
        return false;
    }
    // Backspaces, not a line cut: those would replace what Ctrl-v pastes.
    for _ in 0..column {
        area.delete_char();
    }
    true
}

pub(crate) fn text_area(text: &str) -> TextArea<'static> {
    let mut area = TextArea::new(text.split('\n').map(str::to_owned).collect());
    if text.len() <= EDITABLE_LIMIT {
        // Each setting redoes the screen map: spare large, read-only ones.
        area.set_tab_length(2);
    }
    area.set_max_histories(1000);
    area
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    fn portal() -> Portal {
        Portal {
            uuid: "u".into(),
            slug: "who".into(),
            organization_uuid: "o".into(),
            name: "Who".into(),
            description: None,
            query: "query Me {\n  viewer { user { name } }\n}\n".into(),
            allowed_ip_addresses: None,
            user_invokable: false,
            created_at: "2024-01-01T00:00:00.000Z".into(),
            created_by: None,
        }
    }

    fn type_text(edit: &mut PortalEdit, text: &str) {
        for c in text.chars() {
            let code = if c == '\n' {
                KeyCode::Enter
            } else {
                KeyCode::Char(c)
            };
            edit.key(KeyEvent::new(code, KeyModifiers::NONE));
        }
    }

    #[test]
    fn editing_marks_dirty_and_changes_only_the_query() {
        let mut edit = PortalEdit::new(&portal());
        assert!(!edit.is_dirty());
        assert_eq!(edit.text(), portal().query, "the text round-trips exactly");
        type_text(&mut edit, "# note\n");
        assert!(edit.is_dirty());
        let changes = edit.changes();
        assert!(changes.query.is_some());
        assert!(changes.name.is_none() && changes.description.is_none());
        for _ in 0..20 {
            edit.undo();
        }
        assert!(!edit.is_dirty(), "undo returns to the saved document");
        edit.redo();
        assert!(edit.is_dirty(), "and redo goes forward again");
    }

    #[test]
    fn breaking_the_document_shows_diagnostics_and_fixing_clears_them() {
        let mut edit = PortalEdit::new(&portal());
        type_text(&mut edit, "{");
        assert!(!edit.diagnostics.is_empty());
        edit.key(KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE));
        assert!(edit.diagnostics.is_empty());
    }

    #[test]
    fn server_messages_find_their_field() {
        assert_eq!(
            Field::of_message("Validation failed: Name can't be blank"),
            Some(Field::Name)
        );
        assert_eq!(
            Field::of_message("Validation failed: Allowed ip addresses contains `x`"),
            Some(Field::AllowedIps)
        );
        assert_eq!(
            Field::of_message("Validation failed: Slug has already been taken"),
            Some(Field::Slug)
        );
        assert_eq!(Field::of_message("Validation failed: something"), None);
    }

    #[test]
    fn the_cursor_stays_on_screen() {
        let mut edit = PortalEdit::new(&portal());
        for _ in 0..3 {
            edit.key(KeyEvent::new(KeyCode::Down, KeyModifiers::NONE));
        }
        edit.follow_cursor(2);
        assert_eq!(edit.scroll, 2);
    }

    #[test]
    fn a_paste_with_cr_line_breaks_becomes_lines() {
        let mut edit = PortalEdit::new(&portal());
        edit.paste("# one\r# two\r\n");
        assert_eq!(edit.document.lines()[..3], ["# one", "# two", "query Me {"]);
        assert!(!edit.text().contains('\r'));
        assert_eq!(edit.cursor(), (2, 0), "the cursor ends after the paste");
    }

    #[test]
    fn a_megabyte_paste_into_the_document_arrives_whole() {
        let line = "    field: name\r";
        let count = (1 << 20) / line.len();
        let mut edit = PortalEdit::new(&portal());
        edit.paste(&line.repeat(count));
        let expected = format!("{}{}", "    field: name\n".repeat(count), portal().query);
        assert!(
            edit.text() == expected,
            "every pasted line is there, in order"
        );
        assert_eq!(edit.cursor(), (count, 0));
        assert!(edit.is_dirty());
    }
}
