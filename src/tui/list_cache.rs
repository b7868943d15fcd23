//! The last portal list of each organization, kept in the cache dir so
//! the app draws names at once on launch and refreshes them meanwhile.
//! Portals carry no token (`Portal` has none: a new portal's token lives
//! only in `CreatedPortal` and the token store), and the file is 0600.
//!
//! One portal a line (JSON lines), so a launch reads and parses only the
//! first screen's worth before the first frame, and the rest after it:
//! 1,000 portals are 780 KB, milliseconds to read and parse whole.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::buildkite::Portal;
use crate::fsutil::write_private_file;

/// How much of the file a read takes: a screen's worth of portals is
/// usually in the first one.
const CHUNK: usize = 64 * 1024;

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

/// The portals of the cached list after its head, not read yet: the bytes
/// read past the head, and the file for what is left of it.
#[derive(Default)]
pub struct Rest {
    text: Vec<u8>,
    file: Option<File>,
}

impl Rest {
    /// The rest of the list; none when it does not read (the fresh listing
    /// follows anyway).
    pub fn portals(mut self) -> Vec<Portal> {
        if let Some(mut file) = self.file.take() {
            if file.read_to_end(&mut self.text).is_err() {
                return Vec::new();
            }
        }
        self.text
            .split(|&b| b == b'\n')
            .filter(|line| !line.is_empty())
            .map(serde_json::from_slice)
            .collect::<Result<_, _>>()
            .unwrap_or_default()
    }
}

/// The first `rows` portals of the list last seen for `org` (a screen's
/// worth), and the rest to read later; none when there is none or it is
/// unreadable.
pub fn load(cache_dir: &Path, org: &str, rows: usize) -> (Vec<Portal>, Rest) {
    let none = || (Vec::new(), Rest::default());
    let Ok(mut file) = File::open(path(cache_dir, org)) else {
        return none();
    };
    // Room for the first read whole: read_to_end would otherwise start small.
    let mut text = Vec::with_capacity(CHUNK);
    let mut head = Vec::new();
    let mut from = 0;
    let mut at_end = false;
    while head.len() < rows {
        // A plain scan, not memchr: its first call asks the CPU what it has
        // (CPUID, slow in a VM), longer than a screen's lines take to scan.
        let newline = text[from..].iter().position(|&byte| byte == b'\n');
        let Some(end) = newline.map(|i| from + i) else {
            if at_end {
                break;
            }
            match file.by_ref().take(CHUNK as u64).read_to_end(&mut text) {
                Ok(0) => at_end = true,
                Ok(_) => {}
                Err(_) => return none(),
            }
            continue;
        };
        match serde_json::from_slice(&text[from..end]) {
            Ok(portal) => head.push(portal),
            Err(_) => return none(),
        }
        from = end + 1;
    }
    // A last line without its newline (a file cut short) is read whole.
    if head.len() < rows && from < text.len() {
        match serde_json::from_slice(&text[from..]) {
            Ok(portal) => head.push(portal),
            Err(_) => return none(),
        }
        from = text.len();
    }
    text.drain(..from);
    let file = (!at_end).then_some(file);
    (head, Rest { text, file })
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
        // More portals than one read of the file takes.
        let portals: Vec<Portal> = (0..1_000).map(portal).collect();
        save(dir.path(), "demo", &portals).expect("saved");
        for rows in [0, 40, 999, 1_000, 2_000] {
            let (head, rest) = load(dir.path(), "demo", rows);
            let shown = rows.min(portals.len());
            assert_eq!(head, portals[..shown], "the first {rows}");
            assert_eq!(rest.portals(), portals[shown..], "after the first {rows}");
        }
        let (few, rest) = {
            save(dir.path(), "few", &portals[..3]).expect("saved");
            load(dir.path(), "few", 40)
        };
        assert_eq!(few, portals[..3]);
        assert!(rest.portals().is_empty());
        assert!(load(dir.path(), "other", 40).0.is_empty());
        std::fs::write(path(dir.path(), "demo"), "{").expect("broken");
        assert!(load(dir.path(), "demo", 40).0.is_empty());
    }
}
