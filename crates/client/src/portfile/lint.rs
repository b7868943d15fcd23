//! Lint rules over a portals directory: a token or secret written into any
//! of its files, a mutation portal any address may call, and the document
//! rules of `graphql::lint`. Pure over the files' text.

use std::path::{Path, PathBuf};

use super::files::PortalFile;
use crate::audit::OpenMutation;
use crate::graphql::lint::{has_mutation, lint_document};
pub use crate::graphql::lint::{Finding, Severity};

/// The prefixes of Buildkite's tokens and secrets (portal access tokens in
/// two spellings, portal secrets, API access tokens).
pub const SECRET_PREFIXES: [&str; 4] = ["bkpat_", "bkpt_", "bkps_", "bkua_"];

/// Findings for one portal's two files.
pub fn lint_portal(portal: &PortalFile) -> Vec<(PathBuf, Finding)> {
    let mut found: Vec<(PathBuf, Finding)> = lint_document(&portal.document)
        .into_iter()
        .map(|f| (portal.document_path.clone(), f))
        .collect();
    let ip_restricted = portal.fields.allowed_ip_addresses().is_some();
    if OpenMutation::applies(has_mutation(&portal.document), ip_restricted) {
        found.push((
            portal.fields_path.clone(),
            Finding {
                line: 1,
                column: 1,
                severity: OpenMutation::SEVERITY.in_lint(),
                message: "the document holds a mutation and any address may call the portal; set allowed_ips to the callers' ranges".into(),
            },
        ));
    }
    found
}

/// A token or secret literal in a file's text: an error wherever it is, so
/// it never reaches git. The value itself is never quoted.
pub fn secret_literals(path: &Path, text: &str) -> Vec<(PathBuf, Finding)> {
    let mut found = Vec::new();
    for (index, line) in text.lines().enumerate() {
        for prefix in SECRET_PREFIXES {
            let mut from = 0;
            while let Some(at) = line[from..].find(prefix) {
                let start = from + at;
                from = start + prefix.len();
                let before = line[..start].chars().next_back();
                if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
                    continue;
                }
                let rest = &line[from..];
                let value_len = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .count();
                if value_len == 0 {
                    continue;
                }
                found.push((
                    path.to_path_buf(),
                    Finding {
                        line: index + 1,
                        column: line[..start].chars().count() + 1,
                        severity: Severity::Error,
                        message: format!(
                            "a `{prefix}...` token or secret is written here; remove it (and revoke it: it may be in git already)"
                        ),
                    },
                ));
            }
        }
    }
    found
}

/// Every file of the directory, its subdirectories included (`.git` and
/// other hidden directories aside), for the secret rule.
pub fn files_to_scan(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(next) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&next) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let hidden = entry.file_name().to_string_lossy().starts_with('.');
            match entry.file_type() {
                Ok(t) if t.is_dir() && !hidden => pending.push(path),
                Ok(t) if t.is_file() => found.push(path),
                _ => {}
            }
        }
    }
    found.sort();
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::portfile::PortalFields;

    fn portal(document: &str, ips: &[&str]) -> PortalFile {
        PortalFile {
            slug: "p".into(),
            fields: PortalFields {
                name: "P".into(),
                allowed_ips: ips.iter().map(|s| s.to_string()).collect(),
                ..Default::default()
            },
            document: document.into(),
            document_path: "p.graphql".into(),
            fields_path: "p.toml".into(),
        }
    }

    #[test]
    fn a_mutation_open_to_any_address_is_a_warning() {
        let open = lint_portal(&portal("mutation M { a }", &[]));
        assert_eq!(open.len(), 1);
        assert_eq!(open[0].0, PathBuf::from("p.toml"));
        assert_eq!(open[0].1.severity, Severity::Warning);
        assert!(lint_portal(&portal("mutation M { a }", &["192.0.2.0/24"])).is_empty());
        assert!(lint_portal(&portal("query Q { a }", &[])).is_empty());
    }

    #[test]
    fn secret_literals_are_errors_that_never_quote_the_value() {
        let text = "ok = 1\n# token: bkpt_abc123 and secret=bkps_Zz9\nname_bkua_x = 2\nbkpat_";
        let found = secret_literals(Path::new("x.toml"), text);
        let places: Vec<(usize, usize)> = found.iter().map(|(_, f)| (f.line, f.column)).collect();
        assert_eq!(places, [(2, 10), (2, 33)]);
        assert!(found.iter().all(|(_, f)| f.severity == Severity::Error));
        assert!(found.iter().all(|(_, f)| !f.message.contains("abc123")));
    }
}
