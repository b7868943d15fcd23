//! `check`'s report of requested complexity: each operation's count (on
//! stderr), and a warning near Buildkite's limit or an error over it (with
//! the file's other findings, also in `--json`).

use std::path::Path;

use serde_json::{json, Value};

use crate::graphql::complexity::{self, thousands, OperationComplexity, MAX_REQUESTED};
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

    /// An operation over the limit fails the file.
    pub(super) fn failed(&self) -> bool {
        self.operations.iter().any(OperationComplexity::over_limit)
    }

    pub(super) fn problems(&self) -> usize {
        self.flagged().count()
    }

    fn flagged(&self) -> impl Iterator<Item = (&OperationComplexity, &'static str, String)> {
        self.operations.iter().filter_map(|op| {
            let (severity, why) = if op.over_limit() {
                ("error", "Buildkite refuses a query over")
            } else if op.near_limit() {
                ("warning", "near Buildkite's limit of")
            } else {
                return None;
            };
            let message = format!(
                "{} requests {} complexity points; {why} {} (ask for fewer items with first/last)",
                sanitize_line(&op.label()),
                thousands(op.requested),
                thousands(MAX_REQUESTED)
            );
            Some((op, severity, message))
        })
    }

    /// `FILE:LINE:COL: error: ...` lines, as `check` prints its findings.
    pub(super) fn lines(&self, file: &Path) -> Vec<String> {
        self.flagged()
            .map(|(op, severity, message)| {
                format!(
                    "{}:{}:{}: {severity}: {message}",
                    file.display(),
                    op.line,
                    op.column
                )
            })
            .collect()
    }

    /// The `--json` items: the fields of the other findings, plus
    /// `operation` and `complexity`.
    pub(super) fn items(&self, file: &Path) -> Vec<Value> {
        self.flagged()
            .map(|(op, severity, message)| {
                json!({
                    "file": file.display().to_string(),
                    "line": op.line,
                    "column": op.column,
                    "severity": severity,
                    "message": message,
                    "operation": op.name,
                    "complexity": op.requested,
                })
            })
            .collect()
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
