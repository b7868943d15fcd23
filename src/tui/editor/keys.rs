//! Editing the document: keys, moves a page or to either end, selection
//! with copy / cut / paste, undo by edit group, a click placing the cursor,
//! and find in the document.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::{CursorMove, TextArea};

use super::{indent_newline, insert_completion, paste_into, PortalEdit};
use crate::tui::input::typed_char;
use crate::tui::undo::{EditClass, UndoGroups};

/// What a key in the document does, before the text area sees it.
enum Step {
    /// Moves the cursor (Shift extends the selection).
    Move(Vec<CursorMove>),
    Edit(EditClass),
    /// Keys the text area has a meaning for that the app does not want
    /// (its own undo, its emacs page moves): nothing happens.
    Ignore,
}

/// What `edit_document` did with a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keyed {
    Moved,
    Changed,
    Unchanged,
}

/// Applies an editing key to a document, as every document editor of the
/// app does (the portal's, the creation form's): Enter keeps the line's
/// indent, one level deeper after an opening bracket; Tab indents; moves
/// by `page` rows, to either end, by word; typing and deleting grouped for
/// undo in `undo`.
pub fn edit_document(
    document: &mut TextArea<'static>,
    undo: &mut UndoGroups,
    page: usize,
    key: KeyEvent,
) -> Keyed {
    let shift = key.modifiers.contains(KeyModifiers::SHIFT);
    match step(key, page) {
        Step::Move(moves) => {
            undo.close();
            if shift && !document.is_selecting() {
                document.start_selection();
            } else if !shift {
                document.cancel_selection();
            }
            for m in moves {
                document.move_cursor(m);
            }
            Keyed::Moved
        }
        Step::Edit(class) => {
            let changed = undo.edit(document, class, |area| {
                if key.code == KeyCode::Enter && key.modifiers.is_empty() {
                    indent_newline(area);
                    true
                } else if let EditClass::Insert(c) = class {
                    // The text area types nothing with Ctrl and Alt (AltGr).
                    area.insert_char(c);
                    true
                } else if key.code == KeyCode::Tab {
                    indent(area)
                } else {
                    area.input(key)
                }
            });
            if changed {
                Keyed::Changed
            } else {
                if !document.is_selecting() {
                    // A key the text area only moves with (Ctrl-a, Alt-f...).
                    undo.close();
                }
                Keyed::Unchanged
            }
        }
        Step::Ignore => Keyed::Unchanged,
    }
}

fn step(key: KeyEvent, page: usize) -> Step {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let alt = key.modifiers.contains(KeyModifiers::ALT);
    let page = page.max(1);
    if let Some(c) = typed_char(key) {
        return Step::Edit(EditClass::Insert(c));
    }
    match key.code {
        KeyCode::PageDown => Step::Move(vec![CursorMove::Down; page]),
        KeyCode::PageUp => Step::Move(vec![CursorMove::Up; page]),
        KeyCode::Home if ctrl => Step::Move(vec![CursorMove::Top, CursorMove::Head]),
        KeyCode::End if ctrl => Step::Move(vec![CursorMove::Bottom, CursorMove::End]),
        KeyCode::Up => Step::Move(vec![CursorMove::Up]),
        KeyCode::Down => Step::Move(vec![CursorMove::Down]),
        KeyCode::Left if ctrl || alt => Step::Move(vec![CursorMove::WordBack]),
        KeyCode::Right if ctrl || alt => Step::Move(vec![CursorMove::WordForward]),
        KeyCode::Left => Step::Move(vec![CursorMove::Back]),
        KeyCode::Right => Step::Move(vec![CursorMove::Forward]),
        KeyCode::Home => Step::Move(vec![CursorMove::Head]),
        KeyCode::End => Step::Move(vec![CursorMove::End]),
        // The text area's own undo/redo and emacs page moves would
        // bypass the edit groups or scroll a view it never draws.
        KeyCode::Char('u' | 'r' | 'v') if ctrl => Step::Ignore,
        KeyCode::Char('v') if alt => Step::Ignore,
        KeyCode::Backspace | KeyCode::Delete => Step::Edit(EditClass::Delete),
        KeyCode::Char('h' | 'd' | 'w') if ctrl => Step::Edit(EditClass::Delete),
        _ => Step::Edit(EditClass::Other),
    }
}

impl PortalEdit {
    /// Applies an editing key to the document (`edit_document`); a page key
    /// moves the view with the cursor, as editors do.
    pub fn key(&mut self, key: KeyEvent) {
        match edit_document(&mut self.document, &mut self.undo, self.page, key) {
            Keyed::Moved => match key.code {
                KeyCode::PageDown => self.scroll += self.page,
                KeyCode::PageUp => self.scroll = self.scroll.saturating_sub(self.page),
                _ => {}
            },
            Keyed::Changed => self.reparse(),
            Keyed::Unchanged => {}
        }
    }

    pub fn undo(&mut self) {
        if self.undo.undo(&mut self.document) {
            self.reparse();
        }
    }

    pub fn redo(&mut self) {
        if self.undo.redo(&mut self.document) {
            self.reparse();
        }
    }

    /// Inserts pasted text at the cursor (over the selection), its line
    /// breaks made LF, as one undoable change.
    pub fn paste(&mut self, text: &str) {
        if self
            .undo
            .edit(&mut self.document, EditClass::Other, |area| {
                paste_into(area, text)
            })
        {
            self.reparse();
        }
    }

    /// Replaces the document (after `$EDITOR`, a format), as one undoable change.
    pub fn replace_text(&mut self, text: &str) {
        self.undo
            .edit(&mut self.document, EditClass::Other, |area| {
                area.select_all();
                area.cut();
                area.insert_str(text);
                true
            });
        self.reparse();
    }

    /// Replaces the `prefix_len` chars before the cursor with `insert`, and
    /// puts the cursor `cursor` chars into it (a completion).
    pub fn complete_with(&mut self, prefix_len: usize, insert: &str, cursor: usize) {
        self.undo
            .edit(&mut self.document, EditClass::Other, |area| {
                insert_completion(area, prefix_len, insert, cursor);
                true
            });
        self.reparse();
    }

    /// The selected text, if any (what copy takes).
    pub fn selected_text(&self) -> Option<String> {
        let ((start_row, start_col), (end_row, end_col)) = self.document.selection_range()?;
        let lines = self.document.lines();
        let mut text = String::new();
        for row in start_row..=end_row {
            let line = lines.get(row)?;
            let from = if row == start_row { start_col } else { 0 };
            let to = if row == end_row {
                end_col
            } else {
                line.chars().count()
            };
            text.extend(line.chars().skip(from).take(to.saturating_sub(from)));
            if row != end_row {
                text.push('\n');
            }
        }
        Some(text)
    }

    /// Copies the selection (kept for paste; the selection stays); None
    /// when nothing is selected.
    pub fn copy(&mut self) -> Option<String> {
        let text = self.selected_text()?;
        self.document.set_yank_text(text.clone());
        Some(text)
    }

    /// Rows of text on screen: what PageUp and PageDown move by.
    pub fn set_page(&mut self, rows: usize) {
        self.page = rows.max(1);
    }

    /// Cuts the selection as one undoable change; None when nothing is selected.
    pub fn cut(&mut self) -> Option<String> {
        let text = self.selected_text()?;
        if self
            .undo
            .edit(&mut self.document, EditClass::Other, TextArea::cut)
        {
            self.reparse();
        }
        Some(text)
    }

    /// Pastes what was copied or cut last (over the selection); false when
    /// nothing was.
    pub fn paste_copied(&mut self) -> bool {
        if self.document.yank_text().is_empty() {
            return false;
        }
        if self
            .undo
            .edit(&mut self.document, EditClass::Other, TextArea::paste)
        {
            self.reparse();
        }
        true
    }

    pub fn select_all(&mut self) {
        self.undo.close();
        self.document.select_all();
    }

    /// Puts the cursor at (row, column in chars), clamped to the text;
    /// `extend` keeps the selection going (a drag).
    pub fn place_cursor(&mut self, row: usize, column: usize, extend: bool) {
        self.undo.close();
        if extend && !self.document.is_selecting() {
            self.document.start_selection();
        } else if !extend {
            self.document.cancel_selection();
        }
        jump(&mut self.document, row, column);
    }

    /// Moves to the next (or previous) match of the find, from the cursor
    /// (`from_cursor`: the cursor's own place counts, as while typing),
    /// wrapping around the document; ignores case. Returns whether a match
    /// was found and whether the search went past an end.
    pub fn find_next(&mut self, forward: bool, from_cursor: bool) -> Option<bool> {
        let find = self.find.as_ref()?;
        let from = if from_cursor {
            find.origin
        } else {
            self.cursor()
        };
        let ((row, column), wrapped) = find_in(
            self.document.lines(),
            &find.needle,
            from,
            forward,
            from_cursor,
        )?;
        self.undo.close();
        self.document.cancel_selection();
        jump(&mut self.document, row, column);
        Some(wrapped)
    }

    /// How many matches of the find the document has (None: too large to count on every key).
    pub fn count_matches(&self) -> Option<usize> {
        self.match_position().map(|(_, total)| total)
    }

    /// Which match (from 1) the cursor is at the start of, if any, and how
    /// many there are; None when too large to count on every key.
    pub fn match_position(&self) -> Option<(Option<usize>, usize)> {
        let find = self.find.as_ref()?;
        if self.size() > super::EDITABLE_LIMIT {
            return None;
        }
        let (row, column) = self.cursor();
        let (mut before, mut current, mut total) = (0, None, 0);
        for (i, line) in self.document.lines().iter().enumerate() {
            let on_line = matches_on_line(line, &find.needle);
            total += on_line.len();
            if i < row {
                before += on_line.len();
            } else if i == row {
                before += on_line.iter().filter(|(start, _)| *start < column).count();
                if on_line.iter().any(|(start, _)| *start == column) {
                    current = Some(before + 1);
                }
            }
        }
        Some((current, total))
    }
}

/// Find in the document: what is looked for, and whether it is being typed.
#[derive(Debug, Clone, Default)]
pub struct Find {
    pub needle: String,
    /// Keys go to the needle (Enter keeps it, Esc closes the find).
    pub typing: bool,
    /// Where the cursor was when typing began: each letter searches from here.
    pub origin: (usize, usize),
    /// The needle came from the selection or the last find: the first key
    /// typed replaces it.
    pub prefilled: bool,
}

/// Every place `needle` occurs on `line`, as char ranges (case ignored).
pub fn matches_on_line(line: &str, needle: &str) -> Vec<(usize, usize)> {
    let needle: Vec<char> = needle.chars().flat_map(char::to_lowercase).collect();
    if needle.is_empty() {
        return Vec::new();
    }
    let hay: Vec<char> = line
        .chars()
        .map(|c| c.to_lowercase().next().unwrap_or(c))
        .collect();
    let mut found = Vec::new();
    let mut at = 0;
    while at + needle.len() <= hay.len() {
        if hay[at..at + needle.len()] == needle[..] {
            found.push((at, at + needle.len()));
            at += needle.len();
        } else {
            at += 1;
        }
    }
    found
}

/// The match after (or before) `from` (at it too, when `inclusive`),
/// wrapping; with whether it wrapped.
fn find_in(
    lines: &[String],
    needle: &str,
    from: (usize, usize),
    forward: bool,
    inclusive: bool,
) -> Option<((usize, usize), bool)> {
    let count = lines.len();
    if needle.is_empty() || count == 0 {
        return None;
    }
    for step in 0..=count {
        let row = if forward {
            (from.0 + step) % count
        } else {
            (from.0 + count * 2 - step) % count
        };
        let wrapped = if forward {
            from.0 + step >= count
        } else {
            step > from.0
        };
        let on_line = matches_on_line(&lines[row], needle);
        let hit = if forward {
            on_line
                .iter()
                .find(|(start, _)| step > 0 || *start > from.1 || (inclusive && *start == from.1))
                .copied()
        } else {
            on_line
                .iter()
                .rev()
                .find(|(start, _)| step > 0 || *start < from.1)
                .copied()
        };
        // The whole document came round to the cursor's line: a match
        // at or behind the cursor there still counts.
        let hit = hit.or_else(|| (step == count).then(|| on_line.first().copied()).flatten());
        if let Some((start, _)) = hit {
            return Some(((row, start), wrapped));
        }
    }
    None
}

/// Tab: two spaces at the cursor, or before every selected line (a
/// selection is indented, not replaced).
fn indent(area: &mut TextArea<'_>) -> bool {
    let Some(((first, _), (last, last_col))) = area.selection_range() else {
        return area.insert_tab();
    };
    // A selection ending at a line's start leaves that line alone.
    let last = if last_col == 0 && last > first {
        last - 1
    } else {
        last
    };
    let ratatui_textarea::DataCursor(row, column) = area.cursor();
    area.cancel_selection();
    for line in first..=last {
        jump(area, line, 0);
        area.insert_str("  ");
    }
    jump(area, row, column + 2);
    true
}

/// Moves the cursor to (row, column), clamped; rows past what `Jump` holds
/// are walked to.
fn jump(area: &mut TextArea<'_>, row: usize, column: usize) {
    let row = row.min(area.lines().len().saturating_sub(1));
    let column = column.min(area.lines()[row].chars().count());
    match (u16::try_from(row), u16::try_from(column)) {
        (Ok(r), Ok(c)) => area.move_cursor(CursorMove::Jump(r, c)),
        _ => {
            area.move_cursor(CursorMove::Top);
            for _ in 0..row {
                area.move_cursor(CursorMove::Down);
            }
            area.move_cursor(CursorMove::Head);
            for _ in 0..column {
                area.move_cursor(CursorMove::Forward);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn find_goes_forward_and_back_and_wraps_around() {
        let lines: Vec<String> = ["query Q {", "  name", "  slug name", "}"]
            .map(str::to_owned)
            .to_vec();
        assert_eq!(
            find_in(&lines, "NAME", (0, 0), true, false),
            Some(((1, 2), false))
        );
        assert_eq!(
            find_in(&lines, "name", (1, 2), true, false),
            Some(((2, 7), false))
        );
        assert_eq!(
            find_in(&lines, "name", (2, 7), true, false),
            Some(((1, 2), true)),
            "past the last match it starts again from the top"
        );
        assert_eq!(
            find_in(&lines, "name", (1, 2), false, false),
            Some(((2, 7), true))
        );
        assert_eq!(find_in(&lines, "nope", (0, 0), true, false), None);
        let one: Vec<String> = vec!["name".into()];
        assert_eq!(
            find_in(&one, "name", (0, 0), true, false),
            Some(((0, 0), true)),
            "the only match, under the cursor, is found again"
        );
        assert_eq!(
            find_in(&lines, "name", (1, 2), true, true),
            Some(((1, 2), false)),
            "while typing, the match at the cursor counts"
        );
    }

    #[test]
    fn matches_on_a_line_ignore_case_and_do_not_overlap() {
        assert_eq!(matches_on_line("aAa aa", "aa"), [(0, 2), (4, 6)]);
        assert_eq!(matches_on_line("Ünïcode ü", "ü"), [(0, 1), (8, 9)]);
        assert!(matches_on_line("x", "").is_empty());
    }
}
