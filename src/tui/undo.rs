//! Undo by edit group, as editors do: a word typed, a run of deletions, a
//! paste or a completion is one step, not one character.
//!
//! The text area keeps the history of single edits; a group remembers a hash
//! of the text before it began, and undo takes single edits back until the
//! text is that again. (Counting edits instead would depend on how many the
//! text area records for each call, which a selection changes.)

use std::hash::{Hash, Hasher};

use ratatui_textarea::{CursorMove, TextArea};

/// What an edit does, for deciding whether it joins the open group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditClass {
    /// A character typed.
    Insert(char),
    /// A character (or word, or line end) deleted by a key.
    Delete,
    /// Anything else (a new line, a paste, a completion, a cut, a format):
    /// a group of its own.
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Open {
    /// Typing; the last character typed.
    Insert(char),
    Delete,
}

/// The text (its hash) and the cursor at one end of a group: undo and redo
/// put the cursor back where it was (a format undone would leave it at the
/// document's end).
#[derive(Debug, Clone, Copy)]
struct Mark {
    text: u64,
    cursor: (usize, usize),
}

impl Mark {
    fn of(area: &TextArea<'_>) -> Mark {
        Mark {
            text: text_hash(area.lines()),
            cursor: {
                let ratatui_textarea::DataCursor(row, column) = area.cursor();
                (row, column)
            },
        }
    }

    fn put_cursor(self, area: &mut TextArea<'_>) {
        let (row, column) = self.cursor;
        let clamp = |n: usize| u16::try_from(n).unwrap_or(u16::MAX);
        area.move_cursor(CursorMove::Jump(clamp(row), clamp(column)));
    }
}

#[derive(Debug, Default)]
pub struct UndoGroups {
    /// For each group that can be undone, the text and cursor before it.
    done: Vec<Mark>,
    /// For each group undone, the text and cursor after it (for redo).
    undone: Vec<Mark>,
    /// The group that the next edit of the same class joins.
    open: Option<Open>,
}

/// Groups kept; the text area keeps as many single edits.
pub const MOST_GROUPS: usize = 1000;

/// Single edits taken back at most for one group (a guard against a hash
/// that never comes back, e.g. after the text area forgot its oldest edits).
const MOST_STEPS: usize = 100_000;

impl UndoGroups {
    /// Applies `change` to `area` as an edit of `class`; true when it changed
    /// the text.
    pub fn edit<'a>(
        &mut self,
        area: &mut TextArea<'a>,
        class: EditClass,
        change: impl FnOnce(&mut TextArea<'a>) -> bool,
    ) -> bool {
        let joins = match (self.open, class) {
            (Some(Open::Insert(last)), EditClass::Insert(c)) => {
                // A word after a space or a bracket starts a group.
                !is_word(c) || is_word(last)
            }
            (Some(Open::Delete), EditClass::Delete) => true,
            _ => false,
        };
        let before = (!joins).then(|| Mark::of(area));
        if !change(area) {
            return false;
        }
        if let Some(before) = before {
            self.done.push(before);
            if self.done.len() > MOST_GROUPS {
                self.done.remove(0);
            }
        }
        self.undone.clear();
        self.open = match class {
            EditClass::Insert(c) => Some(Open::Insert(c)),
            EditClass::Delete => Some(Open::Delete),
            EditClass::Other => None,
        };
        true
    }

    /// The cursor moved: the next edit starts a group.
    pub fn close(&mut self) {
        self.open = None;
    }

    /// Takes the last group back; true when the text changed.
    pub fn undo(&mut self, area: &mut TextArea<'_>) -> bool {
        self.open = None;
        let Some(before) = self.done.pop() else {
            return false;
        };
        let after = Mark::of(area);
        let changed = step_until(area, before.text, TextArea::undo);
        if changed {
            before.put_cursor(area);
            self.undone.push(after);
        }
        changed
    }

    /// Makes the last group undone again; true when the text changed.
    pub fn redo(&mut self, area: &mut TextArea<'_>) -> bool {
        self.open = None;
        let Some(after) = self.undone.pop() else {
            return false;
        };
        let before = Mark::of(area);
        let changed = step_until(area, after.text, TextArea::redo);
        if changed {
            after.put_cursor(area);
            self.done.push(before);
        }
        changed
    }
}

/// Takes single steps until the text hashes to `target` or there is none left.
fn step_until<'a>(
    area: &mut TextArea<'a>,
    target: u64,
    step: fn(&mut TextArea<'a>) -> bool,
) -> bool {
    let mut changed = false;
    for _ in 0..MOST_STEPS {
        if !step(area) {
            break;
        }
        changed = true;
        if text_hash(area.lines()) == target {
            break;
        }
    }
    changed
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn text_hash(lines: &[String]) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    lines.hash(&mut hasher);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(groups: &mut UndoGroups, area: &mut TextArea<'_>, text: &str) {
        for c in text.chars() {
            groups.edit(area, EditClass::Insert(c), |a| {
                a.insert_char(c);
                true
            });
        }
    }

    #[test]
    fn a_word_typed_is_one_step_and_the_space_before_the_next_word_stays_with_the_first() {
        let mut area = TextArea::default();
        let mut groups = UndoGroups::default();
        typed(&mut groups, &mut area, "hello world");
        assert!(groups.undo(&mut area));
        assert_eq!(area.lines(), ["hello "]);
        assert!(groups.undo(&mut area));
        assert_eq!(area.lines(), [""]);
        assert!(!groups.undo(&mut area), "nothing more to undo");
        assert!(groups.redo(&mut area));
        assert_eq!(area.lines(), ["hello "]);
        assert!(groups.redo(&mut area));
        assert_eq!(area.lines(), ["hello world"]);
    }

    #[test]
    fn deletions_in_a_row_are_one_step_and_a_move_starts_another() {
        let mut area = TextArea::from(["abcdef"]);
        area.move_cursor(ratatui_textarea::CursorMove::End);
        let mut groups = UndoGroups::default();
        for _ in 0..3 {
            groups.edit(&mut area, EditClass::Delete, TextArea::delete_char);
        }
        groups.close();
        groups.edit(&mut area, EditClass::Delete, TextArea::delete_char);
        assert_eq!(area.lines(), ["ab"]);
        groups.undo(&mut area);
        assert_eq!(area.lines(), ["abc"]);
        groups.undo(&mut area);
        assert_eq!(area.lines(), ["abcdef"]);
    }

    #[test]
    fn an_edit_that_changes_nothing_makes_no_group() {
        let mut area = TextArea::from(["x"]);
        let mut groups = UndoGroups::default();
        typed(&mut groups, &mut area, "a");
        groups.close();
        area.move_cursor(ratatui_textarea::CursorMove::Head);
        // Backspace at the start of the document changes nothing.
        groups.edit(&mut area, EditClass::Delete, TextArea::delete_char);
        assert!(groups.undo(&mut area));
        assert_eq!(area.lines(), ["x"], "the typed letter went, nothing else");
    }

    #[test]
    fn undoing_a_whole_replacement_puts_the_cursor_back_where_it_was() {
        let mut area = TextArea::from(["query {", "  a", "}", ""]);
        area.move_cursor(CursorMove::Jump(1, 3));
        let mut groups = UndoGroups::default();
        groups.edit(&mut area, EditClass::Other, |area| {
            area.select_all();
            area.cut();
            area.insert_str("query {\n  a\n  b\n}\n");
            true
        });
        area.move_cursor(CursorMove::Jump(1, 3)); // kept by the format
        assert!(groups.undo(&mut area));
        assert_eq!(area.lines(), ["query {", "  a", "}", ""]);
        let ratatui_textarea::DataCursor(row, column) = area.cursor();
        assert_eq!((row, column), (1, 3), "not the document's end");
        assert!(groups.redo(&mut area));
        let ratatui_textarea::DataCursor(row, column) = area.cursor();
        assert_eq!((row, column), (1, 3));
    }
}
