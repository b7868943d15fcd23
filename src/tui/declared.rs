//! `bkportals --dir DIR`: the portals a directory declares (see `pull`), so
//! the app can say how the selected portal differs from its files, with the
//! same comparison `plan` makes. Pure: the files are read before the app starts.

use std::path::PathBuf;

use crate::buildkite::Portal;
use crate::portfile::{differences, PortalFile};

/// Documents past this are not summarized on every frame.
const SUMMARY_LIMIT: usize = 256 << 10;

#[derive(Debug, Clone, Default)]
pub struct Declared {
    pub dir: PathBuf,
    pub files: Vec<PortalFile>,
}

impl Declared {
    /// The files of `portal`: by UUID, else (not yet pushed) by slug.
    fn file_of(&self, portal: &Portal) -> Option<&PortalFile> {
        self.files
            .iter()
            .find(|f| f.fields.uuid.as_deref() == Some(portal.uuid.as_str()))
            .or_else(|| {
                self.files
                    .iter()
                    .find(|f| f.fields.uuid.is_none() && f.slug == portal.slug)
            })
    }

    /// One line: the same as its files, not in the directory, or what differs.
    pub fn summary(&self, portal: &Portal) -> String {
        let Some(file) = self.file_of(portal) else {
            return format!("not in {}", self.dir.display());
        };
        if portal.query.len().max(file.document.len()) > SUMMARY_LIMIT {
            return "large document: `bkportals plan` compares it".into();
        }
        let found = differences(file, portal);
        if found.is_empty() {
            return format!("same as {}", file.fields_path.display());
        }
        let mut parts: Vec<String> = found
            .fields
            .iter()
            .filter(|f| f.field != "document")
            .map(|f| f.field.replace('_', " "))
            .collect();
        if let Some(first) = found.document.first() {
            let more = match found.document.len() {
                1 => String::new(),
                n => format!(" (+{} more)", n - 1),
            };
            parts.push(format!("document: {first}{more}"));
        }
        format!("differs: {}", parts.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::portfile::PortalFields;

    fn portal() -> Portal {
        serde_json::from_value(serde_json::json!({
            "uuid": "u-1", "slug": "builds", "name": "Builds",
            "query": "query Q { viewer { id name } }"
        }))
        .unwrap()
    }

    fn declared(document: &str, name: &str) -> Declared {
        let mut fields = PortalFields::of(&portal());
        fields.name = name.into();
        Declared {
            dir: "portals".into(),
            files: vec![PortalFile {
                slug: "builds".into(),
                fields,
                document: document.into(),
                document_path: "portals/builds.graphql".into(),
                fields_path: "portals/builds.toml".into(),
            }],
        }
    }

    #[test]
    fn the_summary_says_what_differs_as_plan_does() {
        let same = declared(
            "# ours\nquery Q {\n  viewer {\n    id\n    name\n  }\n}\n",
            "Builds",
        );
        assert_eq!(same.summary(&portal()), "same as portals/builds.toml");
        let other = declared("query Q { viewer { id } }", "Builds v2");
        assert_eq!(
            other.summary(&portal()),
            "differs: name, document: field viewer.name removed from Q"
        );
        let mut elsewhere = portal();
        elsewhere.uuid = "u-2".into();
        assert_eq!(other.summary(&elsewhere), "not in portals");
    }
}
