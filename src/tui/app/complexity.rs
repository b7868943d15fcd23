//! Requested complexity (`graphql::complexity`): a run's, said on the status
//! line when it nears or passes Buildkite's limit, before Buildkite refuses
//! it; and the operation being edited's (or viewed's, before an edit), for
//! the document pane's border.

use serde_json::Value;

use super::{App, Focus};
use crate::buildkite::Portal;
use crate::graphql::complexity::{self, thousands, OperationComplexity, MAX_REQUESTED};
use crate::graphql::schema::GraphqlSchema;
use crate::tui::editor::{PortalEdit, SYNC_PARSE_LIMIT};

/// A saved document's count, while it is viewed without an edit: kept for
/// its portal and text (the schema's arrival empties it).
#[derive(Debug)]
pub struct ViewedCount {
    slug: String,
    query: String,
    operations: Vec<OperationComplexity>,
}

/// The editor's count of a document: each operation with the variables'
/// defaults (what `check` counts); none when the document does not parse.
/// Documents over `SYNC_PARSE_LIMIT` are counted on the diagnostics worker.
pub fn count_for_editor(text: &str, schema: Option<&GraphqlSchema>) -> Vec<OperationComplexity> {
    complexity::requested(text, schema, &Value::Null).unwrap_or_default()
}

impl App {
    /// What running `operation` of `slug`'s saved document (what Buildkite
    /// runs) with `variables` requests; `None` when it cannot be counted.
    pub(super) fn run_complexity(
        &self,
        slug: &str,
        operation: Option<&str>,
        variables: &serde_json::Value,
    ) -> Option<OperationComplexity> {
        let portal = self.list.portals.iter().find(|p| p.slug == slug)?;
        let counted = complexity::requested(&portal.query, self.schema.as_ref(), variables).ok()?;
        match operation {
            Some(name) => counted
                .into_iter()
                .find(|o| o.name.as_deref() == Some(name)),
            None => counted.into_iter().next(),
        }
    }
    /// The requested complexity of the operation being edited in `edit`:
    /// the one the variables pane has chosen while it has the focus, else
    /// the one the cursor is in. Counted once per generation of the text
    /// (which a new schema also moves); a large document shows the worker's
    /// latest count. `None` when the document does not parse.
    pub fn editing_complexity(&self, edit: &PortalEdit) -> Option<OperationComplexity> {
        let mut counted = edit.requested.borrow_mut();
        let current = matches!(&*counted, Some((generation, _)) if *generation == edit.generation);
        if !current && edit.size() <= SYNC_PARSE_LIMIT {
            let operations = count_for_editor(&edit.text(), self.schema.as_ref());
            *counted = Some((edit.generation, operations));
        }
        let operations = &counted.as_ref()?.1;
        self.operation_shown(&edit.base.slug, operations, edit.cursor())
    }

    /// The requested complexity of `portal`'s saved document while it is
    /// viewed without an edit, as `editing_complexity` gives it with the
    /// cursor at the start (documents over `SYNC_PARSE_LIMIT`: once opened).
    pub fn viewing_complexity(&self, portal: &Portal) -> Option<OperationComplexity> {
        if portal.query.len() > SYNC_PARSE_LIMIT || self.names_first.get() {
            return None;
        }
        let mut kept = self.viewed_count.borrow_mut();
        let current = kept
            .as_ref()
            .is_some_and(|k| k.slug == portal.slug && k.query == portal.query);
        if !current {
            *kept = Some(ViewedCount {
                slug: portal.slug.clone(),
                query: portal.query.clone(),
                operations: count_for_editor(&portal.query, self.schema.as_ref()),
            });
        }
        let operations = &kept.as_ref()?.operations;
        self.operation_shown(&portal.slug, operations, (0, 0))
    }

    /// Of `slug`'s counted `operations`: the one the variables pane has
    /// chosen while it has the focus, else the one at `(row, column)`.
    fn operation_shown(
        &self,
        slug: &str,
        operations: &[OperationComplexity],
        (row, column): (usize, usize),
    ) -> Option<OperationComplexity> {
        let chosen = self
            .variables
            .as_ref()
            .filter(|form| self.focus == Focus::Variables && form.slug == slug)
            .and_then(|form| form.operation_name())
            .and_then(|name| {
                operations
                    .iter()
                    .find(|op| op.name.as_deref() == Some(name))
            });
        let at_cursor = || {
            operations
                .iter()
                .rev()
                .find(|op| (op.line - 1, op.column - 1) <= (row, column))
                .or(operations.first())
        };
        chosen.or_else(at_cursor).cloned()
    }

    /// The worker counted `slug`'s large document at `generation`: kept
    /// unless a newer count is already there.
    pub(super) fn on_counted(
        &mut self,
        slug: &str,
        generation: u64,
        operations: Vec<OperationComplexity>,
    ) {
        if let Some(edit) = self.edits.get(slug) {
            let mut counted = edit.requested.borrow_mut();
            if counted.as_ref().is_none_or(|(kept, _)| *kept <= generation) {
                *counted = Some((generation, operations));
            }
        }
    }
}

/// What a run near or over the limit is told: the figure and the limit;
/// `None` when it is well under.
pub fn complexity_warning(op: &OperationComplexity) -> Option<String> {
    let verdict = if op.over_limit() {
        "Buildkite refuses over"
    } else if op.near_limit() {
        "near Buildkite's limit of"
    } else {
        return None;
    };
    Some(format!(
        "{} requests {} complexity points ({verdict} {}).",
        op.label(),
        thousands(op.requested),
        thousands(MAX_REQUESTED)
    ))
}
