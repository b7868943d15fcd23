//! A run's requested complexity (`graphql::complexity`), said on the status
//! line when it nears or passes Buildkite's limit, before Buildkite refuses it.

use super::App;
use crate::graphql::complexity::{self, thousands, MAX_REQUESTED};

impl App {
    /// The warning for running `operation` of `slug`'s saved document (what
    /// Buildkite runs) with `variables`; `None` when it is well under.
    pub(super) fn complexity_warning(
        &self,
        slug: &str,
        operation: Option<&str>,
        variables: &serde_json::Value,
    ) -> Option<String> {
        let portal = self.list.portals.iter().find(|p| p.slug == slug)?;
        let counted = complexity::requested(&portal.query, self.schema.as_ref(), variables).ok()?;
        let op = match operation {
            Some(name) => counted
                .into_iter()
                .find(|o| o.name.as_deref() == Some(name))?,
            None => counted.into_iter().next()?,
        };
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
}
