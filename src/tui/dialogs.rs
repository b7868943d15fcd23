//! The dialogs: the portal form (create, edit fields), the once-shown token,
//! delete confirmation, and small prompts.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::TextArea;

use super::editor::{Field, FieldDraft};
use super::input::LineInput;
use crate::buildkite::NewPortal;
use crate::graphql::diagnostics::{parse_diagnostics, Diagnostic};
use crate::secrets::Secret;

pub const NEW_PORTAL_TEMPLATE: &str = "query GetBuilds($pipelineSlug: ID!) {\n  pipeline(slug: $pipelineSlug) {\n    name\n    builds(first: 5) {\n      edges {\n        node {\n          number\n          state\n          url\n        }\n      }\n    }\n  }\n}\n";

#[derive(Debug)]
pub enum Dialog {
    Form(Box<PortalForm>),
    Token(TokenDialog),
    Delete {
        slug: String,
        typed: LineInput,
    },
    /// The document does not parse or validate; saving needs a second yes.
    ConfirmSave {
        slug: String,
        /// "1 syntax error, 2 schema errors"
        summary: String,
        /// Some of them are syntax errors.
        syntax: bool,
    },
    ConfirmQuit {
        unsaved: usize,
    },
    /// How to authorize runs of a portal: every way the user may have.
    Authorize {
        slug: String,
        choices: Vec<AuthChoice>,
        selected: usize,
    },
    /// Paste the portal's long-lived token.
    TokenPrompt {
        slug: String,
        input: LineInput,
        store: bool,
    },
    /// Paste a portal secret, for an ephemeral token.
    SecretPrompt {
        slug: String,
        input: LineInput,
    },
    SignIn(SignIn),
    SaveResponse {
        path: LineInput,
    },
    /// Unsaved edits found at start: restore, compare or discard each.
    Drafts {
        drafts: Vec<crate::drafts::Draft>,
        selected: usize,
    },
    /// What the schema says about the field (or type) under the cursor.
    Explain {
        coordinate: String,
        text: String,
        scroll: usize,
    },
    /// The portal changed on the server since it was loaded.
    Conflict {
        slug: String,
        server: Box<crate::buildkite::Portal>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthChoice {
    /// User-invoked portals: approve in a browser, run with your permissions.
    SignIn,
    PasteToken,
    PortalSecret,
}

impl AuthChoice {
    pub fn label(self) -> &'static str {
        match self {
            AuthChoice::SignIn => "Sign in as me: approve in the browser, run with my permissions",
            AuthChoice::PasteToken => "Paste the portal's long-lived token (admin-level)",
            AuthChoice::PortalSecret => "Use a portal secret (bkps_…) for an ephemeral token",
        }
    }
}

/// The sign-in (device code) flow in progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignIn {
    pub slug: String,
    /// Known once the code arrived.
    pub code: Option<String>,
    pub url: Option<String>,
    pub seconds_left: Option<i64>,
    pub opened_browser: bool,
    pub copied: Option<String>,
}

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
    pub document_diagnostics: Vec<Diagnostic>,
    pub focus: usize,
    pub server_error: Option<(Option<Field>, String)>,
    pub submitting: bool,
}

impl PortalForm {
    pub fn create() -> PortalForm {
        let mut document =
            TextArea::new(NEW_PORTAL_TEMPLATE.split('\n').map(str::to_owned).collect());
        document.set_tab_length(2);
        PortalForm {
            mode: FormMode::Create,
            name: LineInput::default(),
            slug: LineInput::default(),
            description: LineInput::default(),
            allowed_ips: LineInput::default(),
            user_invokable: false,
            document: Some(document),
            document_diagnostics: Vec::new(),
            focus: 0,
            server_error: None,
            submitting: false,
        }
    }

    pub fn edit(draft: &FieldDraft) -> PortalForm {
        PortalForm {
            mode: FormMode::EditFields {
                slug: draft.slug.clone(),
            },
            name: LineInput::new(&draft.name),
            slug: LineInput::new(&draft.slug),
            description: LineInput::new(&draft.description),
            allowed_ips: LineInput::new(&draft.allowed_ips),
            user_invokable: draft.user_invokable,
            document: None,
            document_diagnostics: Vec::new(),
            focus: 0,
            server_error: None,
            submitting: false,
        }
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
            query: self
                .document
                .as_ref()
                .map(|d| d.lines().join("\n"))
                .unwrap_or_default(),
            slug: optional(draft.slug),
            description: optional(draft.description),
            allowed_ip_addresses: optional(draft.allowed_ips),
            user_invokable: draft.user_invokable,
        }
    }

    /// What stops submitting, said next to the field.
    pub fn problem(&self) -> Option<(FormRow, String)> {
        if self.name.value().trim().is_empty() {
            return Some((FormRow::Name, "a name is required".into()));
        }
        if let Some(e) = self.cidr_error() {
            return Some((FormRow::AllowedIps, e));
        }
        if self.document.is_some() && !self.document_diagnostics.is_empty() {
            return Some((
                FormRow::Document,
                format!(
                    "the document has {} syntax error(s)",
                    self.document_diagnostics.len()
                ),
            ));
        }
        None
    }

    /// Keys for the form. Returns false for keys the caller should handle
    /// (submit, cancel).
    pub fn key(&mut self, key: KeyEvent) -> bool {
        let rows = self.rows().len();
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
                        if matches!(key.code, KeyCode::Char(' ') | KeyCode::Enter) {
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
                            if document.input(key) {
                                self.document_diagnostics =
                                    parse_diagnostics(&document.lines().join("\n"));
                            }
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

fn field_row(field: Option<Field>) -> Option<FormRow> {
    Some(match field? {
        Field::Name => FormRow::Name,
        Field::Slug => FormRow::Slug,
        Field::Description => FormRow::Description,
        Field::AllowedIps => FormRow::AllowedIps,
        Field::UserInvokable => FormRow::UserInvokable,
        Field::Query => FormRow::Document,
    })
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

/// The new portal's token, shown once.
#[derive(Debug)]
pub struct TokenDialog {
    pub slug: String,
    pub token: Secret,
    /// Keep it in the token store (it already is; unticking forgets it).
    pub store: bool,
    /// How the last copy went.
    pub copied: Option<String>,
    /// Esc was pressed once: remind that closing needs Enter.
    pub reminded: bool,
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
            form.key(KeyEvent::from(KeyCode::Char(c)));
        }
        assert_eq!(form.problem(), None);
        let new = form.new_portal();
        assert_eq!(new.name, "Deploy");
        assert_eq!(new.query, NEW_PORTAL_TEMPLATE);
        assert_eq!(new.slug, None);
    }
}
