//! The last portal list of each organization, kept in the cache dir so
//! the app draws names at once on launch and refreshes them meanwhile.
//! Portals carry no token (`Portal` has none: a new portal's token lives
//! only in `CreatedPortal` and the token store), and the file is 0600.
//!
//! One portal a line (JSON lines), so a launch reads the first screen's
//! worth before the first frame and the rest after it: 1,000 portals are
//! 780 KB, several milliseconds to read whole.

use std::path::{Path, PathBuf};

use crate::buildkite::Portal;
use crate::fsutil::write_private_file;

/// Portals read before the first frame: more rows than any screen has.
pub const HEAD: usize = 200;

fn path(cache_dir: &Path, org: &str) -> PathBuf {
    let safe: String = org
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    cache_dir.join("portal-lists").join(format!("{safe}.jsonl"))
}

/// The portals of the cached list after its first `HEAD`, not read yet.
#[derive(Default)]
pub struct Rest {
    text: Vec<u8>,
    from: usize,
}

impl Rest {
    /// The rest of the list; none when a line of it does not read (the
    /// fresh listing follows anyway).
    pub fn portals(self) -> Vec<Portal> {
        self.text[self.from..]
            .split(|&b| b == b'\n')
            .filter(|line| !line.is_empty())
            .map(serde_json::from_slice)
            .collect::<Result<_, _>>()
            .unwrap_or_default()
    }
}

/// The first `HEAD` portals of the list last seen for `org`, and the rest
/// to read later; none when there is none or it is unreadable.
pub fn load(cache_dir: &Path, org: &str) -> (Vec<Portal>, Rest) {
    let Ok(text) = std::fs::read(path(cache_dir, org)) else {
        return (Vec::new(), Rest::default());
    };
    let mut head = Vec::new();
    let mut from = 0;
    while head.len() < HEAD && from < text.len() {
        let end = memchr::memchr(b'\n', &text[from..]).map_or(text.len(), |i| from + i);
        match serde_json::from_slice(&text[from..end]) {
            Ok(portal) => head.push(portal),
            Err(_) => return (Vec::new(), Rest::default()),
        }
        from = end + 1;
    }
    let from = from.min(text.len());
    (head, Rest { text, from })
}

pub fn save(cache_dir: &Path, org: &str, portals: &[Portal]) -> std::io::Result<()> {
    let mut lines = Vec::new();
    for portal in portals {
        serde_json::to_writer(&mut lines, portal).map_err(std::io::Error::other)?;
        lines.push(b'\n');
    }
    let kept = path(cache_dir, org);
    // The whole-array file of earlier versions is no longer read.
    let _ = std::fs::remove_file(kept.with_extension("json"));
    write_private_file(&kept, &lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn portal(i: usize) -> Portal {
        serde_json::from_value(serde_json::json!({
            "uuid": format!("u{i}"), "slug": format!("web-{i}"), "organization_uuid": "o",
            "name": format!("Web\n{i}"), "query": "{ viewer {\n user { name } } }",
            "created_at": "2024-08-26T03:22:45.555Z"
        }))
        .expect("a portal")
    }

    #[test]
    fn a_list_comes_back_first_screen_first_and_a_broken_file_is_no_list() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let portals: Vec<Portal> = (0..HEAD + 5).map(portal).collect();
        save(dir.path(), "demo", &portals).expect("saved");
        let (head, rest) = load(dir.path(), "demo");
        assert_eq!(head, portals[..HEAD]);
        assert_eq!(rest.portals(), portals[HEAD..]);
        let (few, rest) = {
            save(dir.path(), "few", &portals[..3]).expect("saved");
            load(dir.path(), "few")
        };
        assert_eq!(few, portals[..3]);
        assert!(rest.portals().is_empty());
        assert!(load(dir.path(), "other").0.is_empty());
        std::fs::write(path(dir.path(), "demo"), "{").expect("broken");
        assert!(load(dir.path(), "demo").0.is_empty());
    }
}
