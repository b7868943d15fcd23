//! The files of a portals directory: `SLUG.graphql` (the document) and
//! `SLUG.toml` (the other fields) per portal. Never a token.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::buildkite::Portal;

pub const DOCUMENT_EXTENSION: &str = "graphql";
pub const FIELDS_EXTENSION: &str = "toml";

/// One portal as a directory declares it.
#[derive(Debug, Clone, PartialEq)]
pub struct PortalFile {
    /// The file names' stem: the slug the portal should have.
    pub slug: String,
    pub fields: PortalFields,
    pub document: String,
    pub document_path: PathBuf,
    pub fields_path: PathBuf,
}

/// What `SLUG.toml` holds. A field left out is cleared on Buildkite.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PortalFields {
    /// Which portal on Buildkite this is (kept across renames); none for a
    /// portal that `push` should create.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uuid: Option<String>,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// CIDR blocks allowed to call the portal; none (or empty) means any address.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed_ips: Vec<String>,
    #[serde(default)]
    pub user_invokable: bool,
}

impl PortalFields {
    pub fn of(portal: &Portal) -> PortalFields {
        PortalFields {
            uuid: Some(portal.uuid.clone()),
            name: portal.name.clone(),
            description: portal.description.clone().filter(|d| !d.trim().is_empty()),
            allowed_ips: split_ips(portal.allowed_ip_addresses.as_deref()),
            user_invokable: portal.user_invokable,
        }
    }

    /// Buildkite's space-separated form; `None` for any address.
    pub fn allowed_ip_addresses(&self) -> Option<String> {
        let joined = self
            .allowed_ips
            .iter()
            .flat_map(|ip| ip.split_whitespace())
            .collect::<Vec<_>>()
            .join(" ");
        Some(joined).filter(|j| !j.is_empty())
    }

    /// The file's text, with a header saying what the file is.
    pub fn to_toml(&self) -> String {
        let body = toml::to_string(self).unwrap_or_default();
        format!(
            "# A Buildkite portal: its document is in the .graphql file of the same name.\n\
             # The file name is the slug (rename both files to rename it); a field left out\n\
             # is cleared on `bkportals push`. Never put a token here.\n{body}"
        )
    }
}

/// The CIDR blocks of Buildkite's space-separated list.
pub fn split_ips(list: Option<&str>) -> Vec<String> {
    list.unwrap_or_default()
        .split_whitespace()
        .map(str::to_owned)
        .collect()
}

/// Whether a file stem is a slug Buildkite accepts.
pub fn is_slug(text: &str) -> bool {
    !text.is_empty()
        && !text.starts_with('-')
        && !text.ends_with('-')
        && text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// Every portal the directory declares, by slug; or every problem found,
/// each naming its file and what to fix.
pub fn read_portals(dir: &Path) -> Result<Vec<PortalFile>, Vec<String>> {
    let (portals, problems) = read_each_portal(dir).map_err(|problem| vec![problem])?;
    if problems.is_empty() {
        Ok(portals)
    } else {
        Err(problems
            .into_iter()
            .map(|(path, problem)| format!("{}: {problem}", path.display()))
            .collect())
    }
}

/// A file of a portals directory that does not read as part of a portal,
/// and what to fix.
pub type FileProblem = (PathBuf, String);

/// Every portal of the directory that reads whole, and apart from them a
/// problem with each file that does not, so one broken portal does not hide
/// the others (`check DIR`). Err when the directory itself cannot be read.
pub fn read_each_portal(dir: &Path) -> Result<(Vec<PortalFile>, Vec<FileProblem>), String> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| format!("could not read the directory {}: {e}", dir.display()))?;
    let mut stems: BTreeMap<String, (Option<PathBuf>, Option<PathBuf>)> = BTreeMap::new();
    for entry in entries.flatten() {
        let path = entry.path();
        let (Some(stem), Some(ext)) = (
            path.file_stem().and_then(|s| s.to_str()),
            path.extension().and_then(|s| s.to_str()),
        ) else {
            continue;
        };
        let slot = stems.entry(stem.to_owned()).or_default();
        match ext {
            DOCUMENT_EXTENSION => slot.0 = Some(path.clone()),
            FIELDS_EXTENSION => slot.1 = Some(path.clone()),
            _ => {}
        }
    }
    let mut portals = Vec::new();
    let mut problems = Vec::new();
    for (stem, paths) in stems {
        match read_one(dir, &stem, paths) {
            Ok(Some(portal)) => portals.push(portal),
            Ok(None) => {}
            Err(problem) => problems.push(problem),
        }
    }
    Ok((portals, problems))
}

fn read_one(
    dir: &Path,
    stem: &str,
    paths: (Option<PathBuf>, Option<PathBuf>),
) -> Result<Option<PortalFile>, FileProblem> {
    let (document_path, fields_path) = match paths {
        (None, None) => return Ok(None),
        (Some(doc), Some(fields)) => (doc, fields),
        (Some(doc), None) => {
            return Err((
                doc,
                format!(
                "no {stem}.{FIELDS_EXTENSION} beside it; add one with at least `name = \"...\"`"
            ),
            ))
        }
        (None, Some(fields)) => {
            return Err((
                fields,
                format!("no {stem}.{DOCUMENT_EXTENSION} beside it; add the portal's document"),
            ))
        }
    };
    if !is_slug(stem) {
        return Err((
            dir.join(stem),
            format!("`{stem}` is not a slug Buildkite accepts (lowercase letters, digits and dashes); rename the files"),
        ));
    }
    let read = |path: &Path| {
        std::fs::read_to_string(path).map_err(|e| (path.to_path_buf(), e.to_string()))
    };
    let fields_text = read(&fields_path)?;
    let fields: PortalFields = toml::from_str(&fields_text)
        .map_err(|e| (fields_path.clone(), one_line(&e.to_string())))?;
    if fields.name.trim().is_empty() {
        return Err((
            fields_path,
            "`name` is empty; Buildkite needs a name".to_owned(),
        ));
    }
    let document = read(&document_path)?;
    if document.trim().is_empty() {
        return Err((document_path, "the document is empty".to_owned()));
    }
    Ok(Some(PortalFile {
        slug: stem.to_owned(),
        fields,
        document,
        document_path,
        fields_path,
    }))
}

/// TOML's messages span lines (a snippet with a caret); one line reads better.
fn one_line(message: &str) -> String {
    message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('|') && !l.chars().all(|c| c == '^'))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Writes a file whole (temp file + rename), readable like any checked-in file.
pub fn write_file(path: &Path, contents: &str) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut temp = tempfile::NamedTempFile::new_in(dir)?;
    std::io::Write::write_all(&mut temp, contents.as_bytes())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        temp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Writes `SLUG.graphql` and `SLUG.toml` for a portal as Buildkite has it;
/// says whether either changed (an unchanged file is left as it is).
pub fn write_portal(dir: &Path, portal: &Portal) -> std::io::Result<bool> {
    let mut changed = false;
    for (path, text) in portal_files(dir, portal) {
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            write_file(&path, &text)?;
            changed = true;
        }
    }
    Ok(changed)
}

/// The files of `portal` in `dir` that exist and say something else than
/// `write_portal` would write.
pub fn differing_files(dir: &Path, portal: &Portal) -> Vec<std::path::PathBuf> {
    portal_files(dir, portal)
        .into_iter()
        .filter(|(path, text)| {
            std::fs::read_to_string(path)
                .ok()
                .is_some_and(|on_disk| on_disk != *text)
        })
        .map(|(path, _)| path)
        .collect()
}

/// The two files of `portal` and their contents.
fn portal_files(dir: &Path, portal: &Portal) -> [(std::path::PathBuf, String); 2] {
    let mut document = portal.query.clone();
    if !document.ends_with('\n') {
        document.push('\n');
    }
    let path = |ext: &str| dir.join(format!("{}.{ext}", portal.slug));
    [
        (path(DOCUMENT_EXTENSION), document),
        (path(FIELDS_EXTENSION), PortalFields::of(portal).to_toml()),
    ]
}

/// Records a created portal's UUID in its `SLUG.toml`, keeping the rest of
/// the file (comments included) as written.
pub fn record_uuid(fields_path: &Path, uuid: &str) -> std::io::Result<()> {
    let text = std::fs::read_to_string(fields_path)?;
    let line = format!("uuid = {}\n", toml::Value::String(uuid.to_owned()));
    write_file(fields_path, &format!("{line}{text}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn portal() -> Portal {
        serde_json::from_value(serde_json::json!({
            "uuid": "u-1", "slug": "recent-builds", "name": "Recent builds",
            "description": "Last five", "query": "query Q { viewer { id } }",
            "allowed_ip_addresses": "192.0.2.0/24 198.51.100.7/32", "user_invokable": true
        }))
        .unwrap()
    }

    #[test]
    fn a_written_portal_reads_back_the_same() {
        let dir = tempfile::tempdir().unwrap();
        assert!(write_portal(dir.path(), &portal()).unwrap());
        assert!(!write_portal(dir.path(), &portal()).unwrap(), "nothing new");
        let read = read_portals(dir.path()).unwrap();
        assert_eq!(read.len(), 1);
        assert_eq!(read[0].slug, "recent-builds");
        assert_eq!(read[0].fields, PortalFields::of(&portal()));
        assert_eq!(read[0].document, "query Q { viewer { id } }\n");
        assert_eq!(
            read[0].fields.allowed_ip_addresses().as_deref(),
            Some("192.0.2.0/24 198.51.100.7/32")
        );
    }

    #[test]
    fn problems_name_the_file_and_what_to_fix() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("lonely.graphql"), "query { a }").unwrap();
        std::fs::write(dir.path().join("Bad_Name.graphql"), "query { a }").unwrap();
        std::fs::write(dir.path().join("Bad_Name.toml"), "name = \"x\"").unwrap();
        std::fs::write(dir.path().join("typo.graphql"), "query { a }").unwrap();
        std::fs::write(
            dir.path().join("typo.toml"),
            "name = \"x\"\nuser_invokeable = true",
        )
        .unwrap();
        std::fs::write(dir.path().join("notes.md"), "ignored").unwrap();
        let problems = read_portals(dir.path()).unwrap_err();
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].contains("not a slug"), "{problems:?}");
        assert!(problems[1].contains("no lonely.toml"), "{problems:?}");
        assert!(problems[2].contains("user_invokeable"), "{problems:?}");
        assert!(!problems[2].contains('\n'), "{problems:?}");
    }

    #[test]
    fn a_recorded_uuid_keeps_the_rest_of_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.toml");
        std::fs::write(&path, "# ours\nname = \"New\"\n").unwrap();
        record_uuid(&path, "u-9").unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text, "uuid = \"u-9\"\n# ours\nname = \"New\"\n");
    }
}
