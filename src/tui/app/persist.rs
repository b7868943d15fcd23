//! Drafts on disk follow every unsaved edit: after each update, each edit
//! (document and fields, typed in the pane or in the fields form) and the
//! creation form is compared with what was last sent to disk, and a write
//! or a removal is asked for. The runtime debounces the writes.

use std::collections::HashMap;

use super::App;
use crate::buildkite::Portal;
use crate::drafts::Draft;
use crate::tui::dialogs::{Dialog, FormMode, PortalForm};
use crate::tui::editor::FieldDraft;
use crate::tui::message::Command;

/// The draft key of the portal being created (`drafts::NEW_PORTAL`).
pub const NEW_PORTAL_DRAFT: &str = crate::drafts::NEW_PORTAL;

/// How the quit dialog names the portal being created.
pub const NEW_PORTAL_UNSAVED: &str = "the new portal";

/// What a draft's key names in a message: its portal, or the new portal.
pub fn draft_name(key: &str) -> &str {
    if key == NEW_PORTAL_DRAFT {
        NEW_PORTAL_UNSAVED
    } else {
        key
    }
}

/// What was last sent to disk.
#[derive(Debug, Default)]
pub struct Marks {
    /// Per edit: revision, fields, and whether it was dirty (a draft exists).
    edits: HashMap<String, (u64, FieldDraft, bool)>,
    /// The creation form's revision, when a draft of it exists.
    creation: Option<u64>,
    /// The variables forms' values.
    form_values: crate::tui::run::Remembered,
}

impl Marks {
    /// `key`'s draft counts as never sent: the next sync writes it.
    pub(super) fn forget(&mut self, key: &str) {
        self.edits.remove(key);
        if key == NEW_PORTAL_DRAFT {
            self.creation = None;
        }
    }
}

impl App {
    /// Drafts to write or remove after this update.
    pub(super) fn sync_drafts(&mut self) -> Vec<Command> {
        let mut commands = Vec::new();
        self.sync_edit_drafts(&mut commands);
        self.sync_creation_draft(&mut commands);
        if self.remembered != self.persisted.form_values {
            self.persisted.form_values = self.remembered.clone();
            commands.push(Command::WriteFormValues(self.remembered.clone()));
        }
        commands
    }

    /// The variables' values of an earlier session (already on disk).
    pub fn restore_form_values(&mut self, values: crate::tui::run::Remembered) {
        self.persisted.form_values = values.clone();
        self.remembered = values;
    }

    fn sync_edit_drafts(&mut self, commands: &mut Vec<Command>) {
        let marks = &mut self.persisted.edits;
        for (slug, edit) in &self.edits {
            let previous = marks.get(slug);
            if previous.is_some_and(|(r, f, _)| *r == edit.revision && *f == edit.fields) {
                continue;
            }
            let dirty = edit.is_dirty();
            let was_dirty = previous.is_some_and(|(_, _, d)| *d);
            if self.drafts_elsewhere.contains(slug) {
                // Another bkportals edits it: its draft is not ours to touch.
            } else if dirty {
                commands.push(Command::WriteDraft(Box::new(edit.to_draft(&self.org))));
            } else if was_dirty {
                commands.push(Command::RemoveDraft(slug.clone()));
            }
            marks.insert(slug.clone(), (edit.revision, edit.fields.clone(), dirty));
        }
        let gone: Vec<String> = marks
            .keys()
            .filter(|slug| !self.edits.contains_key(*slug))
            .cloned()
            .collect();
        for slug in gone {
            if marks.remove(&slug).is_some_and(|(_, _, dirty)| dirty) {
                commands.push(Command::RemoveDraft(slug));
            }
        }
    }

    fn sync_creation_draft(&mut self, commands: &mut Vec<Command>) {
        let open = self.dialogs.iter().find_map(|d| match d {
            Dialog::Form(form) if form.mode == FormMode::Create => Some(form.as_ref()),
            _ => None,
        });
        let form = open.or(self.create_draft.as_deref());
        if self.drafts_elsewhere.iter().any(|s| s == NEW_PORTAL_DRAFT) {
            return; // another bkportals is writing a new portal: its draft stays
        }
        match (form, self.persisted.creation) {
            // A form nobody typed into yet is not worth a draft.
            (Some(form), None) if form.revision == 0 => {}
            (Some(form), mark) if mark != Some(form.revision) => {
                commands.push(Command::WriteDraft(Box::new(creation_to_draft(
                    &self.org, form,
                ))));
                self.persisted.creation = Some(form.revision);
            }
            (None, Some(_)) => {
                commands.push(Command::RemoveDraft(NEW_PORTAL_DRAFT.to_owned()));
                self.persisted.creation = None;
            }
            _ => {}
        }
    }
}

/// The creation form as a draft: its values over an empty portal.
pub(super) fn creation_to_draft(org: &str, form: &PortalForm) -> Draft {
    let fields = form.draft();
    Draft {
        org: org.to_owned(),
        slug: NEW_PORTAL_DRAFT.to_owned(),
        base: Portal {
            uuid: String::new(),
            slug: String::new(),
            organization_uuid: String::new(),
            name: String::new(),
            description: None,
            query: String::new(),
            allowed_ip_addresses: None,
            user_invokable: false,
            created_at: String::new(),
            created_by: None,
        },
        document: form.document_text(),
        name: fields.name,
        new_slug: fields.slug,
        description: fields.description,
        allowed_ips: fields.allowed_ips,
        user_invokable: fields.user_invokable,
        saved_at: String::new(),
    }
}

/// A creation kept on disk, as a form again.
pub fn creation_from_draft(draft: &Draft) -> PortalForm {
    let fields = FieldDraft {
        name: draft.name.clone(),
        slug: draft.new_slug.clone(),
        description: draft.description.clone(),
        allowed_ips: draft.allowed_ips.clone(),
        user_invokable: draft.user_invokable,
    };
    PortalForm::new_creation(&fields, &draft.document)
}
