//! Test-invoking a portal: the variables form built from the chosen
//! operation. The response viewer is in `response.rs`.

use std::collections::HashMap;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::Value;

use super::input::{typed_char, LineInput};
use crate::graphql::schema::GraphqlSchema;
use crate::graphql::variables::{assemble, inputs, operations, Input, Operation};

pub use super::response::{HeaderKind, ResponseView};

/// The variables form of one portal's document.
#[derive(Debug)]
pub struct VariablesForm {
    pub slug: String,
    /// Which text the form was built from, to notice changes.
    source: FormSource,
    pub operations: Vec<Operation>,
    pub parse_error: Option<String>,
    pub op_index: usize,
    /// One per variable, or per field of an input-object variable.
    pub rows: Vec<Input>,
    pub inputs: Vec<LineInput>,
    /// Per row: still showing the document's default, as loaded. The first
    /// character typed replaces it (as a placeholder), Backspace clears it;
    /// moving the cursor into it makes it a value like any other.
    defaulted: Vec<bool>,
    pub errors: Vec<Option<String>>,
    /// Focused row: 0 is the operation picker when there are several, then
    /// one row per variable, then the Run button.
    pub row: usize,
    /// Expands input objects and offers enum values when known.
    schema: Option<GraphqlSchema>,
    /// The raw JSON view, while shown: the variables as they would be sent
    /// (pretty), or the rows that stop them.
    pub raw: Option<Vec<String>>,
}

/// The text a form was built from: an edit at one generation, or the
/// server's document (compared without joining an edit's lines each time).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormSource {
    Edit(u64),
    Server(String),
}

/// Values typed so far, per portal and operation, for the whole session.
pub type Remembered = HashMap<(String, String), Vec<(String, String)>>;

impl VariablesForm {
    pub fn new(
        slug: &str,
        document: &str,
        source: FormSource,
        remembered: &Remembered,
        schema: Option<GraphqlSchema>,
    ) -> VariablesForm {
        let (operations, parse_error) = match operations(document) {
            Ok(ops) => (ops, None),
            Err(e) => (Vec::new(), Some(e)),
        };
        let mut form = VariablesForm {
            slug: slug.to_owned(),
            source,
            operations,
            parse_error,
            op_index: 0,
            rows: Vec::new(),
            inputs: Vec::new(),
            defaulted: Vec::new(),
            errors: Vec::new(),
            row: 0,
            schema,
            raw: None,
        };
        form.load_inputs(remembered);
        form
    }

    /// Whether the form shows `slug`'s edit at `edit_generation`, or (with no
    /// edit) the server's `server_document`, with or without a schema.
    pub fn built_from(
        &self,
        slug: &str,
        edit_generation: Option<u64>,
        server_document: &str,
        with_schema: bool,
    ) -> bool {
        let same_text = match (&self.source, edit_generation) {
            (FormSource::Edit(built), Some(now)) => *built == now,
            (FormSource::Server(built), None) => built == server_document,
            _ => false,
        };
        self.slug == slug && same_text && self.schema.is_some() == with_schema
    }

    pub fn operation(&self) -> Option<&Operation> {
        self.operations.get(self.op_index)
    }

    pub fn operation_name(&self) -> Option<&str> {
        self.operation()?.name.as_deref()
    }

    fn memory_key(&self) -> Option<(String, String)> {
        let op = self.operation()?;
        Some((self.slug.clone(), op.name.clone().unwrap_or_default()))
    }

    fn load_inputs(&mut self, remembered: &Remembered) {
        let saved = self
            .memory_key()
            .and_then(|k| remembered.get(&k))
            .cloned()
            .unwrap_or_default();
        let variables = self
            .operation()
            .map(|o| o.variables.clone())
            .unwrap_or_default();
        self.rows = inputs(&variables, self.schema.as_ref());
        self.inputs = self
            .rows
            .iter()
            .map(|row| {
                let label = row.label();
                let value = saved
                    .iter()
                    .find(|(name, _)| *name == label)
                    .map(|(_, value)| value.clone())
                    .or_else(|| row.default.as_ref().map(default_text))
                    .unwrap_or_default();
                LineInput::new(&value)
            })
            .collect();
        self.defaulted = (0..self.rows.len())
            .map(|i| self.default_value_at(i))
            .collect();
        self.errors = vec![None; self.inputs.len()];
    }

    /// Whether row `i`'s value is the default the document gives it.
    fn default_value_at(&self, i: usize) -> bool {
        self.rows[i]
            .default
            .as_ref()
            .is_some_and(|d| default_text(d) == self.inputs[i].value())
    }

    pub fn remember(&self, remembered: &mut Remembered) {
        let Some(key) = self.memory_key() else {
            return;
        };
        let values = self
            .rows
            .iter()
            .zip(&self.inputs)
            .map(|(row, input)| (row.label(), input.value().to_owned()))
            .collect();
        remembered.insert(key, values);
    }

    /// Whether row `i` still shows the default the document gives it, as
    /// loaded and not edited: drawn unlike a typed value.
    pub fn shows_default(&self, i: usize) -> bool {
        self.defaulted.get(i).copied().unwrap_or(false) && self.default_value_at(i)
    }

    /// An editing key on row `i`: over a default still shown, a character
    /// or a paste replaces it and Backspace / Delete / Ctrl-u clear it; any
    /// other key (the cursor moving into it) leaves it to edit as typed.
    fn edit_input(&mut self, i: usize, key: KeyEvent) -> bool {
        if self.shows_default(i) {
            let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
            match key.code {
                _ if typed_char(key).is_some() => self.inputs[i] = LineInput::default(),
                KeyCode::Backspace | KeyCode::Delete => {
                    self.inputs[i] = LineInput::default();
                    self.defaulted[i] = false;
                    return true;
                }
                KeyCode::Char('u') if ctrl => self.inputs[i] = LineInput::default(),
                _ => {}
            }
        }
        let handled = self.inputs[i].key(key);
        if handled {
            self.defaulted[i] = false;
        }
        handled
    }

    /// Pasted text into the focused row (over a default still shown, in
    /// its place); false when no value is focused.
    pub fn paste_into_focused(&mut self, text: &str, remembered: &mut Remembered) -> bool {
        let Some(i) = self.focused_input() else {
            return false;
        };
        if self.shows_default(i) {
            self.inputs[i] = LineInput::default();
        }
        self.defaulted[i] = false;
        self.inputs[i].paste(text);
        self.errors[i] = None;
        self.remember(remembered);
        true
    }

    /// After the document changed: the operation chosen in `previous`
    /// (by name, else by place) stays chosen, and so does the focused row.
    pub fn keep_choice_of(&mut self, previous: &VariablesForm, remembered: &Remembered) {
        if previous.slug != self.slug {
            return;
        }
        let kept_by_name = previous
            .operation_name()
            .is_some_and(|name| self.select_operation(name, remembered));
        let by_place = previous.op_index < self.operations.len();
        if !kept_by_name && by_place && previous.op_index != self.op_index {
            self.op_index = previous.op_index;
            self.load_inputs(remembered);
        }
        self.row = previous.row.min(self.run_row());
    }

    /// Chooses the operation called `name`; false when there is none.
    pub fn select_operation(&mut self, name: &str, remembered: &Remembered) -> bool {
        let Some(i) = self
            .operations
            .iter()
            .position(|o| o.name.as_deref() == Some(name))
        else {
            return false;
        };
        if i != self.op_index {
            self.op_index = i;
            self.load_inputs(remembered);
        }
        true
    }

    pub fn has_picker(&self) -> bool {
        self.operations.len() > 1
    }

    fn first_variable_row(&self) -> usize {
        usize::from(self.has_picker())
    }

    pub fn run_row(&self) -> usize {
        self.first_variable_row() + self.inputs.len()
    }

    /// The variable the focused row edits.
    pub fn focused_input(&self) -> Option<usize> {
        let first = self.first_variable_row();
        (self.row >= first && self.row < self.run_row()).then(|| self.row - first)
    }

    pub fn on_run_button(&self) -> bool {
        self.row == self.run_row()
    }

    pub fn on_picker(&self) -> bool {
        self.has_picker() && self.row == 0
    }

    pub fn choose_operation(&mut self, by: isize, remembered: &mut Remembered) {
        if self.operations.is_empty() {
            return;
        }
        self.remember(remembered);
        let count = self.operations.len() as isize;
        self.op_index = (self.op_index as isize + by).rem_euclid(count) as usize;
        self.load_inputs(remembered);
    }

    /// Keys for the form; returns true when handled.
    pub fn key(&mut self, key: KeyEvent, remembered: &mut Remembered) -> bool {
        match key.code {
            KeyCode::Up | KeyCode::Down => {
                let left = self.focused_input();
                self.row = match key.code {
                    KeyCode::Up => self.row.saturating_sub(1),
                    _ => (self.row + 1).min(self.run_row()),
                };
                if let Some(left) = left.filter(|_| self.focused_input() != left) {
                    self.check(left);
                }
            }
            KeyCode::Left | KeyCode::Right if self.on_picker() => {
                self.choose_operation(if key.code == KeyCode::Left { -1 } else { 1 }, remembered)
            }
            KeyCode::Left | KeyCode::Right if self.focused_choices().is_some() => {
                let Some(index) = self.focused_input() else {
                    return false;
                };
                let choices = &self.rows[index].choices;
                let at = choices
                    .iter()
                    .position(|c| c == self.inputs[index].value().trim());
                let next = match (at, key.code == KeyCode::Right) {
                    (Some(i), true) => (i + 1) % choices.len(),
                    (Some(i), false) => (i + choices.len() - 1) % choices.len(),
                    (None, _) => 0,
                };
                self.inputs[index] = LineInput::new(&choices[next]);
                self.defaulted[index] = false;
                self.errors[index] = None;
                self.remember(remembered);
            }
            _ => {
                let Some(index) = self.focused_input() else {
                    return false;
                };
                if !self.edit_input(index, key) {
                    return false;
                }
                self.errors[index] = None;
                self.remember(remembered);
            }
        }
        true
    }

    /// The choices of the focused row: an enum's values, or true and false.
    pub fn focused_choices(&self) -> Option<&[String]> {
        let row = &self.rows[self.focused_input()?];
        (!row.choices.is_empty()).then_some(row.choices.as_slice())
    }

    /// The variables object, or how many rows have errors (shown at each).
    /// After `values` refused: the first value that did not do, and why
    /// (`$name: why`), for a message outside the form.
    pub fn first_problem(&self) -> Option<String> {
        self.errors
            .iter()
            .zip(&self.rows)
            .find_map(|(error, row)| Some(format!("{}: {}", row.label(), error.as_ref()?)))
    }

    /// The value of row `i` checked as the cursor leaves it, so a mistake
    /// shows before a run asks for it (not while it is being typed).
    fn check(&mut self, i: usize) {
        let text = self.inputs[i].value();
        if text.trim().is_empty() || self.shows_default(i) {
            return;
        }
        self.errors[i] = self.rows[i].coerce(text).err();
    }

    pub fn values(&mut self) -> Result<Value, usize> {
        let mut bad = 0;
        let mut values: Vec<Option<Value>> = Vec::with_capacity(self.rows.len());
        for (i, row) in self.rows.iter().enumerate() {
            let text = self.inputs[i].value();
            self.errors[i] = None;
            if text.trim().is_empty() {
                values.push(None);
                continue;
            }
            match row.coerce(text) {
                Ok(value) => values.push(Some(value)),
                Err(why) => {
                    self.errors[i] = Some(why);
                    bad += 1;
                    values.push(None);
                }
            }
        }
        // A required field of an input object counts only when its variable
        // is required, or another of its fields was given.
        for (i, row) in self.rows.iter().enumerate() {
            if !row.required || values[i].is_some() || self.errors[i].is_some() {
                continue;
            }
            let variable = &row.path[0];
            let needed = !row.is_field()
                || self.rows.iter().zip(&values).any(|(other, value)| {
                    &other.path[0] == variable
                        && (value.is_some() || (!other.is_field() && other.required))
                })
                || self.variable_required(variable);
            if needed {
                self.errors[i] = Some(format!("required ({})", row.type_name));
                bad += 1;
            }
        }
        if bad > 0 {
            Err(bad)
        } else {
            Ok(assemble(&self.rows, &values))
        }
    }

    /// Shows the raw JSON view, or the form again.
    pub fn toggle_raw(&mut self) {
        if self.raw.take().is_none() {
            self.refresh_raw();
        }
    }

    fn refresh_raw(&mut self) {
        let lines = match self.values() {
            Ok(value) => serde_json::to_string_pretty(&value)
                .unwrap_or_default()
                .lines()
                .map(str::to_owned)
                .collect(),
            Err(_) => self
                .rows
                .iter()
                .zip(&self.errors)
                .filter_map(|(row, error)| Some(format!("✗ {}: {}", row.label(), error.as_ref()?)))
                .collect(),
        };
        self.raw = Some(lines);
    }

    /// Fills the form from a pasted JSON object of variables (input objects
    /// reach their fields); how many rows it set, or why it is not one.
    pub fn paste_json(&mut self, text: &str, remembered: &mut Remembered) -> Result<usize, String> {
        let object: Value = serde_json::from_str(text).map_err(|e| format!("not JSON ({e})"))?;
        self.set_from(&object, false, remembered)
    }

    /// Fills the form with exactly `object`'s values (a recorded run): rows
    /// it does not name are emptied, so what runs is what ran.
    pub fn fill(&mut self, object: &Value, remembered: &mut Remembered) -> Result<usize, String> {
        self.set_from(object, true, remembered)
    }

    fn set_from(
        &mut self,
        object: &Value,
        clear_others: bool,
        remembered: &mut Remembered,
    ) -> Result<usize, String> {
        if !object.is_object() {
            return Err("not a JSON object of variables".to_owned());
        }
        let mut set = 0;
        let rows = self.rows.iter().zip(self.inputs.iter_mut());
        for ((row, input), defaulted) in rows.zip(self.defaulted.iter_mut()) {
            let found = row.path.iter().try_fold(object, |at, key| at.get(key));
            if let Some(value) = found {
                *input = LineInput::new(&default_text(value));
                *defaulted = false;
                set += 1;
            } else if clear_others {
                *input = LineInput::default();
                *defaulted = false;
            }
        }
        self.remember(remembered);
        if self.raw.is_some() {
            self.refresh_raw();
        }
        Ok(set)
    }

    fn variable_required(&self, name: &str) -> bool {
        self.operation()
            .and_then(|op| op.variables.iter().find(|v| v.name == name))
            .is_some_and(|v| v.required)
    }
}

/// A default as the form shows it (a string without its quotes).
pub(crate) fn default_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The form of `doc`, as the server has it, without a schema.
    fn form_of(doc: &str, remembered: &Remembered) -> VariablesForm {
        VariablesForm::new(
            "p",
            doc,
            FormSource::Server(doc.to_owned()),
            remembered,
            None,
        )
    }

    #[test]
    fn the_raw_view_is_what_would_be_sent_and_a_pasted_object_fills_the_form() {
        let mut remembered = Remembered::new();
        let doc = "query A($slug: ID!, $first: Int = 5) { viewer { user { name } } }";
        let mut form = form_of(doc, &remembered);
        form.toggle_raw();
        assert_eq!(
            form.raw.as_deref(),
            Some(&["✗ $slug: required (ID!)".to_owned()][..])
        );
        let set = form.paste_json(
            r#"{"slug":"demo/web","first":7,"other":1}"#,
            &mut remembered,
        );
        assert_eq!(set, Ok(2));
        assert_eq!(
            form.raw.as_ref().map(|l| l.join("\n")),
            Some("{\n  \"slug\": \"demo/web\",\n  \"first\": 7\n}".to_owned())
        );
        assert!(form.paste_json("[1]", &mut remembered).is_err());
        form.toggle_raw();
        assert!(form.raw.is_none(), "back to the form");
        assert_eq!(form.inputs[0].value(), "demo/web");
    }

    #[test]
    fn a_wrong_value_says_so_once_the_cursor_leaves_it_not_while_typed() {
        let mut remembered = Remembered::new();
        let doc = "query A($branch: [String!], $first: Int) { viewer { user { name } } }";
        let mut form = form_of(doc, &remembered);
        for c in r#"["main", 3"#.chars() {
            form.key(KeyEvent::from(KeyCode::Char(c)), &mut remembered);
        }
        assert_eq!(form.errors[0], None, "nothing said while it is typed");
        form.key(KeyEvent::from(KeyCode::Down), &mut remembered);
        let why = form.errors[0].clone().unwrap_or_default();
        assert!(why.contains("is not JSON"), "{why}");
        form.key(KeyEvent::from(KeyCode::Up), &mut remembered);
        form.key(KeyEvent::from(KeyCode::End), &mut remembered);
        form.key(KeyEvent::from(KeyCode::Char(']')), &mut remembered);
        assert_eq!(form.errors[0], None, "typing clears it");
        form.key(KeyEvent::from(KeyCode::Down), &mut remembered);
        let why = form.errors[0].clone().unwrap_or_default();
        assert!(why.contains("item 2 is `3`, not a String"), "{why}");
        assert_eq!(form.errors[1], None, "an empty value is not wrong");
    }

    #[test]
    fn variables_are_typed_and_errors_stay_at_their_field() {
        let mut remembered = Remembered::new();
        let doc = "query A($slug: ID!, $first: Int = 5) { viewer { user { name } } }\nquery B { viewer { user { email } } }";
        let mut form = form_of(doc, &remembered);
        assert!(form.has_picker());
        assert_eq!(form.inputs[1].value(), "5", "defaults are filled in");
        assert_eq!(form.values(), Err(1));
        assert!(form.errors[0].as_deref().unwrap().contains("required"));
        form.row = 1;
        for c in "abc".chars() {
            form.key(KeyEvent::from(KeyCode::Char(c)), &mut remembered);
        }
        assert_eq!(
            form.values().unwrap(),
            serde_json::json!({"slug": "abc", "first": 5})
        );
        form.row = 0;
        form.key(KeyEvent::from(KeyCode::Right), &mut remembered);
        assert_eq!(form.operation_name(), Some("B"));
        form.key(KeyEvent::from(KeyCode::Right), &mut remembered);
        assert_eq!(
            form.inputs[0].value(),
            "abc",
            "values are remembered per operation"
        );
    }
}
