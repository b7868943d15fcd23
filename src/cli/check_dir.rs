//! `check DIR`: a portals directory against the schema and the lint rules:
//! every document validated, a token or secret literal in any file (error),
//! a mutation portal any address may call (warning), several operations
//! without names (error), variables declared but unused (warning).

use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::json;

use super::{Failure, Output, EXIT_FAILED};
use crate::graphql::schema::GraphqlSchema;
use crate::portfile::lint::{self, Finding, Severity};
use crate::portfile::{self, PortalFile};
use crate::text::sanitize_line;

/// When any of `paths` is a directory, checks them all (files as the plain
/// `check` does, plus the secret rule) and prints the findings; `None`
/// leaves plain files to the plain `check`.
pub(super) fn check_dirs(
    paths: &[PathBuf],
    schema: &GraphqlSchema,
    out: Output,
) -> Result<Option<u8>, Failure> {
    if !paths.iter().any(|p| p.is_dir()) {
        return Ok(None);
    }
    let mut findings = Vec::new();
    for path in paths {
        if path.is_dir() {
            findings.extend(check_dir(path, schema));
        } else {
            findings.extend(check_file(path, schema));
        }
    }
    findings.sort_by(|a, b| (&a.0, a.1.line, a.1.column).cmp(&(&b.0, b.1.line, b.1.column)));
    print(&findings, out)?;
    let errors = findings
        .iter()
        .filter(|(_, f)| f.severity == Severity::Error)
        .count();
    let warnings = findings.len() - errors;
    eprintln!("{errors} error(s), {warnings} warning(s).");
    Ok(Some(if errors > 0 { EXIT_FAILED } else { 0 }))
}

fn check_dir(dir: &Path, schema: &GraphqlSchema) -> Vec<(PathBuf, Finding)> {
    let mut findings = Vec::new();
    match portfile::read_portals(dir) {
        Ok(portals) => {
            for portal in &portals {
                findings.extend(check_portal(portal, schema));
            }
        }
        Err(problems) => findings.extend(
            problems
                .into_iter()
                .map(|problem| (dir.to_path_buf(), error(1, 1, problem))),
        ),
    }
    for file in lint::files_to_scan(dir) {
        if let Ok(text) = std::fs::read_to_string(&file) {
            findings.extend(lint::secret_literals(&file, &text));
        }
    }
    findings
}

fn check_portal(portal: &PortalFile, schema: &GraphqlSchema) -> Vec<(PathBuf, Finding)> {
    let mut findings: Vec<(PathBuf, Finding)> = schema
        .check(&portal.document)
        .into_iter()
        .map(|d| {
            (
                portal.document_path.clone(),
                error(d.line, d.column, d.message),
            )
        })
        .collect();
    // The validator says some of the same (an unused variable, an anonymous
    // operation among others) at the same place: once is enough.
    let lints: Vec<_> = lint::lint_portal(portal)
        .into_iter()
        .filter(|(_, lint)| {
            !findings
                .iter()
                .any(|(_, f)| (f.line, f.column) == (lint.line, lint.column))
        })
        .collect();
    findings.extend(lints);
    findings
}

fn check_file(path: &Path, schema: &GraphqlSchema) -> Vec<(PathBuf, Finding)> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) => {
            return vec![(
                path.to_path_buf(),
                error(1, 1, format!("could not read it: {e}")),
            )]
        }
    };
    let mut findings: Vec<(PathBuf, Finding)> = schema
        .check(&text)
        .into_iter()
        .map(|d| (path.to_path_buf(), error(d.line, d.column, d.message)))
        .collect();
    findings.extend(
        crate::graphql::lint::lint_document(&text)
            .into_iter()
            .map(|f| (path.to_path_buf(), f)),
    );
    findings.extend(lint::secret_literals(path, &text));
    findings
}

fn error(line: usize, column: usize, message: String) -> Finding {
    Finding {
        line,
        column,
        severity: Severity::Error,
        message,
    }
}

/// `FILE:LINE:COL: severity: message`, or one JSON array.
fn print(findings: &[(PathBuf, Finding)], out: Output) -> Result<(), Failure> {
    if out.json {
        let items: Vec<_> = findings
            .iter()
            .map(|(file, f)| {
                json!({
                    "file": file.display().to_string(),
                    "line": f.line,
                    "column": f.column,
                    "severity": f.severity.as_str(),
                    "message": f.message,
                })
            })
            .collect();
        return out.print_json(&items);
    }
    let mut stdout = std::io::stdout().lock();
    for (file, f) in findings {
        writeln!(
            stdout,
            "{}:{}:{}: {}: {}",
            file.display(),
            f.line,
            f.column,
            f.severity.as_str(),
            sanitize_line(&f.message)
        )?;
    }
    Ok(())
}
