//! `check FILE|DIR...`: what it finds, one way for files and portals
//! directories alike. Every document is validated against the schema, its
//! requested complexity counted (check_complexity.rs), and linted: several
//! operations without names (error), variables declared but unused
//! (warning); every file is searched for a token or secret literal (error).
//! A directory's portals also get their own rules: a document without its
//! `.toml` (or the other way round) and a mutation portal any address may
//! call (warning). One line shape, `FILE:LINE:COL: error|warning: message`
//! (or one `--json` array), and one summary line on stderr.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::json;

use super::check_complexity::ComplexityReport;
use super::session::read_input;
use super::{Failure, Outcome, Output, EXIT_FAILED};
use crate::graphql::schema::GraphqlSchema;
use crate::portfile::lint::{self, Finding, Severity};
use crate::portfile::{self, PortalFile};
use crate::text::sanitize_line;

/// One finding, in the file it concerns.
struct Found {
    file: PathBuf,
    finding: Finding,
    /// For a complexity finding: the operation's name and its count.
    complexity: Option<(Option<String>, u64)>,
}

/// What `check` found over all its paths.
#[derive(Default)]
struct Checked {
    /// Each file read (documents, and every file searched for secrets).
    files: BTreeSet<PathBuf>,
    found: Vec<Found>,
    /// Each operation's requested complexity, for stderr.
    counts: Vec<String>,
}

/// Checks each path (a GraphQL file, `-` for stdin, or a portals
/// directory), prints the findings, each operation's complexity and a
/// summary; exit 1 when anything is an error.
pub(super) fn check_paths(paths: &[PathBuf], schema: &GraphqlSchema, out: Output) -> Outcome {
    let mut checked = Checked::default();
    for path in paths {
        let before = checked.found.len();
        if path.is_dir() {
            checked.dir(path, schema);
        } else {
            checked.file(path, schema);
        }
        // In the order the paths were given; inside one, by file and place.
        checked.found[before..].sort_by(|a, b| {
            (&a.file, a.finding.line, a.finding.column).cmp(&(
                &b.file,
                b.finding.line,
                b.finding.column,
            ))
        });
    }
    print(&checked.found, out)?;
    for line in &checked.counts {
        eprintln!("{line}");
    }
    Ok(checked.summarize())
}

impl Checked {
    fn add(&mut self, file: &Path, finding: Finding) {
        self.found.push(Found {
            file: file.to_path_buf(),
            finding,
            complexity: None,
        });
    }

    fn file(&mut self, path: &Path, schema: &GraphqlSchema) {
        self.files.insert(path.to_path_buf());
        match read_input(path, "the file") {
            Ok(text) => {
                self.document(path, &text, schema);
                self.secrets(path, &text);
            }
            Err(Failure(message, _)) => self.add(path, error(message)),
        }
    }

    /// The schema's errors, the document lint rules (once where the
    /// validator says the same at the same place), and complexity.
    fn document(&mut self, path: &Path, text: &str, schema: &GraphqlSchema) {
        self.files.insert(path.to_path_buf());
        let errors: Vec<Finding> = schema
            .check(text)
            .into_iter()
            .map(|d| Finding {
                line: d.line,
                column: d.column,
                severity: Severity::Error,
                message: d.message,
            })
            .collect();
        let lints: Vec<Finding> = crate::graphql::lint::lint_document(text)
            .into_iter()
            .filter(|lint| {
                !errors
                    .iter()
                    .any(|e| (e.line, e.column) == (lint.line, lint.column))
            })
            .collect();
        for finding in errors.into_iter().chain(lints) {
            self.add(path, finding);
        }
        let complexity = ComplexityReport::of(text, schema);
        for (finding, op) in complexity.findings() {
            self.found.push(Found {
                file: path.to_path_buf(),
                finding,
                complexity: Some((op.name.clone(), op.requested)),
            });
        }
        self.counts.extend(complexity.summary(path));
    }

    fn secrets(&mut self, path: &Path, text: &str) {
        self.files.insert(path.to_path_buf());
        for (file, finding) in lint::secret_literals(path, text) {
            self.add(&file, finding);
        }
    }

    /// Each portal that reads whole gets every rule; a file that does not
    /// read as part of a portal gets its problem, and its document (when it
    /// has one) the document rules still. Every file is searched for secrets.
    fn dir(&mut self, dir: &Path, schema: &GraphqlSchema) {
        let (portals, problems) = match portfile::read_each_portal(dir) {
            Ok(read) => read,
            Err(problem) => {
                self.add(dir, error(problem));
                return;
            }
        };
        for portal in &portals {
            self.portal(portal, schema);
        }
        for (file, problem) in problems {
            self.add(&file, error(problem));
        }
        let files = lint::files_to_scan(dir);
        for file in &files {
            let Ok(text) = std::fs::read_to_string(file) else {
                continue;
            };
            let in_portal = portals.iter().any(|p| &p.document_path == file);
            let document = file.parent() == Some(dir)
                && file.extension().and_then(|e| e.to_str())
                    == Some(portfile::files::DOCUMENT_EXTENSION);
            if document && !in_portal && !text.trim().is_empty() {
                self.document(file, &text, schema);
            }
            self.secrets(file, &text);
        }
    }

    fn portal(&mut self, portal: &PortalFile, schema: &GraphqlSchema) {
        self.document(&portal.document_path, &portal.document, schema);
        // The document's own rules were applied just above.
        for (file, finding) in lint::lint_portal(portal) {
            if file != portal.document_path {
                self.add(&file, finding);
            }
        }
    }

    /// The last line on stderr, and the exit code: 1 when anything is an error.
    fn summarize(&self) -> u8 {
        let errors = self
            .found
            .iter()
            .filter(|f| f.finding.severity == Severity::Error)
            .count();
        let warnings = self.found.len() - errors;
        let with_problems: BTreeSet<&PathBuf> = self.found.iter().map(|f| &f.file).collect();
        let files = super::plural(self.files.len(), "file");
        if self.found.is_empty() {
            eprintln!("{files} checked: no problems.");
        } else {
            eprintln!(
                "{files} checked: {}, {} (in {}).",
                super::plural(errors, "error"),
                super::plural(warnings, "warning"),
                super::plural(with_problems.len(), "file")
            );
        }
        if errors > 0 {
            EXIT_FAILED
        } else {
            0
        }
    }
}

/// An error at the start of its file: one about the whole file.
fn error(message: String) -> Finding {
    Finding {
        line: 1,
        column: 1,
        severity: Severity::Error,
        message,
    }
}

/// `FILE:LINE:COL: severity: message`, or one JSON array.
fn print(found: &[Found], out: Output) -> Result<(), Failure> {
    if out.json {
        let items: Vec<_> = found
            .iter()
            .map(|f| {
                let mut item = json!({
                    "file": f.file.display().to_string(),
                    "line": f.finding.line,
                    "column": f.finding.column,
                    "severity": f.finding.severity.as_str(),
                    "message": f.finding.message,
                });
                if let Some((operation, complexity)) = &f.complexity {
                    item["operation"] = json!(operation);
                    item["complexity"] = json!(complexity);
                }
                item
            })
            .collect();
        return out.print_json(&items);
    }
    let mut stdout = std::io::stdout().lock();
    for f in found {
        writeln!(
            stdout,
            "{}:{}:{}: {}: {}",
            f.file.display(),
            f.finding.line,
            f.finding.column,
            f.finding.severity.as_str(),
            sanitize_line(&f.finding.message)
        )?;
    }
    Ok(())
}
