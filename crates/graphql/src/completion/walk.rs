//! The walk over the tokens before the cursor that completion and the
//! field popup start from: which brackets are open and what each means,
//! and what fits where the tokens end.

use super::{
    ends_value, list_item, named, selection_after, type_after, value_type, Context, Frame,
    Variables,
};
use crate::lexer::{Kind, Token};
use crate::schema::GraphqlSchema;

/// What the tokens before the cursor leave open: the brackets entered and
/// not left (each with what it means), and the variables of the operation
/// the cursor is in.
pub(super) struct Walk {
    pub(super) stack: Vec<Frame>,
    pub(super) variables: Variables,
    /// At the top level: the root type the next `{` selects from.
    next_selection: Option<String>,
}

impl Walk {
    pub(super) fn through(schema: &GraphqlSchema, tokens: &[Token]) -> Walk {
        let mut walk = Walk {
            stack: Vec::new(),
            variables: Vec::new(),
            next_selection: schema.root("query"),
        };
        for i in 0..tokens.len() {
            walk.step(schema, tokens, i);
        }
        walk
    }

    /// Takes in token `i`, with the tokens before it for context.
    fn step(&mut self, schema: &GraphqlSchema, tokens: &[Token], i: usize) {
        let text = |i: usize| tokens.get(i).map(|t| t.text.as_str());
        let prev = i.checked_sub(1).and_then(text);
        let prev2 = i.checked_sub(2).and_then(text);
        let token = &tokens[i];
        match (token.kind.clone(), token.text.as_str()) {
            (Kind::Punct, "{") => {
                let frame = self.brace(schema, &tokens[..i]);
                self.stack.push(frame);
            }
            (Kind::Punct, "(") => {
                let frame = self.parenthesis(prev, prev2);
                self.stack.push(frame);
            }
            (Kind::Punct, "[") => {
                let frame = self.bracket(schema, &tokens[..i]);
                self.stack.push(frame);
            }
            (Kind::Punct, "}" | ")" | "]") => {
                self.stack.pop();
            }
            (Kind::Name, name) if self.stack.is_empty() => self.top_level_name(schema, name, prev),
            (Kind::Name, name) => {
                if let (Some(Frame::VariableDefinitions), Some("$")) = (self.stack.last(), prev) {
                    let ty = type_after(&tokens[i + 1..]);
                    self.variables.push((name.to_owned(), ty));
                }
            }
            _ => {}
        }
    }

    /// What a `{` opens, after `before`: a selection set or an input object.
    fn brace(&mut self, schema: &GraphqlSchema, before: &[Token]) -> Frame {
        match self.stack.last() {
            None => Frame::Selection(self.next_selection.take()),
            Some(Frame::Selection(parent)) => {
                Frame::Selection(selection_after(schema, parent.as_deref(), before))
            }
            Some(Frame::Arguments { .. } | Frame::Object(_) | Frame::List(_)) => {
                Frame::Object(value_type(schema, &self.stack, before).map(|t| named(&t)))
            }
            Some(Frame::Directive | Frame::VariableDefinitions) => Frame::Object(None),
        }
    }

    /// What a `(` opens after `prev` (and `prev2` before it): variable
    /// definitions, a field's arguments or a directive's.
    fn parenthesis(&self, prev: Option<&str>, prev2: Option<&str>) -> Frame {
        match self.stack.last() {
            None => Frame::VariableDefinitions,
            Some(_) if prev2 == Some("@") => Frame::Directive,
            Some(Frame::Selection(parent)) => Frame::Arguments {
                parent: parent.clone(),
                field: prev.unwrap_or_default().to_owned(),
            },
            Some(_) => Frame::Directive,
        }
    }

    /// What a `[` opens after `before`: a list value, with its items' type.
    fn bracket(&self, schema: &GraphqlSchema, before: &[Token]) -> Frame {
        let item = match self.stack.last() {
            Some(Frame::Arguments { .. } | Frame::Object(_) | Frame::List(_)) => {
                value_type(schema, &self.stack, before).map(|t| list_item(&t))
            }
            _ => None,
        };
        Frame::List(item)
    }

    /// A name outside any bracket: an operation or fragment starts (its
    /// variables are its own), or a type condition names the root.
    fn top_level_name(&mut self, schema: &GraphqlSchema, name: &str, prev: Option<&str>) {
        match name {
            "query" | "mutation" | "subscription" if prev != Some("on") => {
                self.next_selection = schema.root(name);
                self.variables.clear();
            }
            "fragment" => self.variables.clear(),
            _ if prev == Some("on") => self.next_selection = Some(name.to_owned()),
            _ => {}
        }
    }
}

/// What fits at the end of `tokens`, inside the brackets `stack` left open.
pub(super) fn context_at_end(schema: &GraphqlSchema, tokens: &[Token], stack: &[Frame]) -> Context {
    let text = |i: usize| tokens.get(i).map(|t| t.text.as_str());
    let last = tokens.last().map(|t| t.text.as_str());
    let last2 = tokens.len().checked_sub(2).and_then(text);
    let at_key = match last {
        None => true,
        Some(_) => tokens.last().is_some_and(ends_value) || matches!(last, Some("(" | "{")),
    };
    match stack.last() {
        _ if last == Some("$") => {
            let before_dollar = &tokens[..tokens.len() - 1];
            let at_list_item = matches!(stack.last(), Some(Frame::List(_)));
            let location = if at_list_item || before_dollar.last().is_some_and(|t| t.text == ":") {
                value_type(schema, stack, before_dollar)
            } else {
                None
            };
            Context::Variable(location)
        }
        None if last == Some("on") => Context::TypeName {
            input_only: false,
            within: None,
        },
        None => Context::Nothing,
        Some(Frame::Selection(ty)) => match (last, ty) {
            (Some("on"), within) if last2 == Some("...") => Context::TypeName {
                input_only: false,
                within: within.clone(),
            },
            (Some(":"), Some(ty)) => Context::Selection(ty.clone()), // after an alias
            (Some("@" | "..."), _) => Context::Nothing,
            (_, Some(ty)) => Context::Selection(ty.clone()),
            (_, None) => Context::Nothing,
        },
        Some(Frame::VariableDefinitions) => match last {
            Some(":" | "[") => Context::TypeName {
                input_only: true,
                within: None,
            },
            _ => Context::Nothing,
        },
        Some(Frame::Arguments {
            parent: Some(parent),
            field,
        }) if at_key => Context::ArgumentName {
            parent: parent.clone(),
            field: field.clone(),
        },
        Some(Frame::Arguments { parent: None, .. }) if at_key => Context::Nothing,
        Some(Frame::Object(Some(ty))) if at_key => Context::InputFieldName(ty.clone()),
        Some(Frame::Directive) if at_key => Context::Nothing,
        Some(Frame::List(item)) if matches!(last, Some("[")) || at_key => {
            Context::Value(item.clone())
        }
        Some(_) if last == Some(":") => Context::Value(value_type(schema, stack, tokens)),
        Some(_) => Context::Nothing,
    }
}
