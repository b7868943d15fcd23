//! `check`'s report of requested complexity: each operation's count (on
//! stderr), and a warning near Buildkite's limit or an error over it (with
//! the file's other findings, also in `--json`, where they add `operation`
//! and `complexity`).

use std::path::Path;

use serde_json::Value;

use crate::graphql::complexity::{self, thousands, OperationComplexity, MAX_REQUESTED};
use crate::graphql::lint::{Finding, Severity};
use crate::graphql::schema::GraphqlSchema;
use crate::text::sanitize_line;

/// What the operations of one file request.
pub(super) struct ComplexityReport {
    operations: Vec<OperationComplexity>,
}

impl ComplexityReport {
    /// Counted only for a document that parses (its errors say enough).
    pub(super) fn of(text: &str, schema: &GraphqlSchema) -> ComplexityReport {
        let operations =
            complexity::requested(text, Some(schema), &Value::Null).unwrap_or_default();
        ComplexityReport { operations }
    }

    /// A warning near the limit and an error over it, each with its
    /// operation, as `check` lists its findings.
    pub(super) fn findings(&self) -> impl Iterator<Item = (Finding, &OperationComplexity)> {
        self.operations.iter().filter_map(|op| {
            let (severity, why) = if op.over_limit() {
                (Severity::Error, "Buildkite refuses a query over")
            } else if op.near_limit() {
                (Severity::Warning, "near Buildkite's limit of")
            } else {
                return None;
            };
            let message = format!(
                "{} requests {} complexity points; {why} {} (ask for fewer items with first/last)",
                sanitize_line(&op.label()),
                thousands(op.requested),
                thousands(MAX_REQUESTED)
            );
            let finding = Finding {
                line: op.line,
                column: op.column,
                severity,
                message,
            };
            Some((finding, op))
        })
    }

    /// Each operation's count, for stderr.
    pub(super) fn summary(&self, file: &Path) -> Vec<String> {
        self.operations
            .iter()
            .map(|op| {
                format!(
                    "{}: {} requests {} complexity points",
                    file.display(),
                    sanitize_line(&op.label()),
                    thousands(op.requested)
                )
            })
            .collect()
    }
}
