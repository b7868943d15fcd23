//! Every portal invocation, kept per organization and portal in the data dir
//! (`history/ORG/SLUG/`): when, which operation, the variables, which kind of
//! token ran it (never its value), the status, how long, and the start of the
//! answer. One private file per entry (0600, written atomically through
//! `fsutil`), so processes recording at once never overwrite each other; the
//! oldest entries go past [`MAX_ENTRIES`] or [`MAX_BYTES`] a portal.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};

/// The most of an answer one entry keeps.
pub const MAX_ANSWER: usize = 64 << 10;
/// Entries kept per portal.
pub const MAX_ENTRIES: usize = 100;
/// Bytes kept per portal, all entries together.
pub const MAX_BYTES: u64 = 2 << 20;

/// One invocation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// RFC 3339, UTC.
    pub at: String,
    pub operation: Option<String>,
    pub variables: serde_json::Value,
    /// Which kind of token ran it: `admin`, `user`, `ephemeral`, or
    /// `environment` (`--token-env`). Never the token.
    pub token: String,
    /// The HTTP status; `None` when no answer came.
    pub status: Option<u16>,
    /// Why it failed, when it did without an answer to keep.
    pub error: Option<String>,
    pub duration_ms: u64,
    /// The start of the answer, at most [`MAX_ANSWER`] bytes (lossy UTF-8).
    pub answer: String,
    /// The size of the whole answer.
    pub answer_bytes: u64,
    /// Stopped in the app before it ended (Esc, or a new run): `answer`
    /// and `answer_bytes` are what had arrived. Absent in entries written
    /// before it existed, and left out when false, so either version reads
    /// the other's files.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub cancelled: bool,
}

impl HistoryEntry {
    /// Keeps the first [`MAX_ANSWER`] bytes of `answer` (cut on a character).
    pub fn keep_answer(&mut self, answer: &str) {
        self.answer_bytes = answer.len() as u64;
        let mut end = answer.len().min(MAX_ANSWER);
        while !answer.is_char_boundary(end) {
            end -= 1;
        }
        self.answer = answer[..end].to_owned();
    }

    pub fn answer_cut(&self) -> bool {
        (self.answer.len() as u64) < self.answer_bytes
    }
}

/// The history of every portal under one data dir.
#[derive(Debug, Clone)]
pub struct History {
    dir: PathBuf,
}

/// Entries written in the same millisecond by one process stay in order.
static SEQUENCE: AtomicU64 = AtomicU64::new(0);

impl History {
    pub fn new(data_dir: &Path) -> History {
        History {
            dir: data_dir.join("history"),
        }
    }

    fn portal_dir(&self, org: &str, slug: &str) -> PathBuf {
        self.dir.join(file_name(org)).join(file_name(slug))
    }

    /// Adds an entry, then drops the oldest past the bounds.
    pub fn record(&self, org: &str, slug: &str, entry: &HistoryEntry) -> std::io::Result<()> {
        let dir = self.portal_dir(org, slug);
        let millis = chrono::Utc::now().timestamp_millis().max(0);
        let name = format!(
            "{millis:015}-{:010}-{:06}.json",
            std::process::id(),
            SEQUENCE.fetch_add(1, Ordering::Relaxed) % 1_000_000
        );
        let text = serde_json::to_vec(entry).map_err(std::io::Error::other)?;
        crate::fsutil::write_private_file(&dir.join(name), &text)?;
        self.trim(&dir)
    }

    /// The portal's entries, oldest first. Unreadable entries are skipped
    /// (a newer version's, or a damaged one): history is a record, not a
    /// reason to fail.
    pub fn entries(&self, org: &str, slug: &str) -> Vec<HistoryEntry> {
        entry_files(&self.portal_dir(org, slug))
            .into_iter()
            .filter_map(|(path, _)| {
                let bytes = std::fs::read(path).ok()?;
                serde_json::from_slice(&bytes).ok()
            })
            .collect()
    }

    fn trim(&self, dir: &Path) -> std::io::Result<()> {
        let files = entry_files(dir);
        let mut total: u64 = files.iter().map(|(_, size)| size).sum();
        let mut count = files.len();
        for (path, size) in files {
            if count <= MAX_ENTRIES && total <= MAX_BYTES {
                break;
            }
            match std::fs::remove_file(&path) {
                // Another process trimmed it first.
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
            count -= 1;
            total = total.saturating_sub(size);
        }
        Ok(())
    }
}

/// How a value differs between two answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
}

/// One difference between two answers, at a jq-style path (`.data.builds[0].url`).
#[derive(Debug, Clone, PartialEq)]
pub struct AnswerChange {
    pub path: String,
    pub kind: ChangeKind,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// The structural difference of two JSON answers by path: values added,
/// removed and changed; objects compare by key, arrays by index. Layout and
/// key order are no change.
pub fn diff_answers(before: &serde_json::Value, after: &serde_json::Value) -> Vec<AnswerChange> {
    let mut changes = Vec::new();
    diff_at(&mut String::new(), before, after, &mut changes);
    changes
}

fn diff_at(
    path: &mut String,
    before: &serde_json::Value,
    after: &serde_json::Value,
    changes: &mut Vec<AnswerChange>,
) {
    use serde_json::Value;
    let len = path.len();
    match (before, after) {
        (Value::Object(old), Value::Object(new)) => {
            for (key, old_value) in old {
                push_path_key(path, key);
                match new.get(key) {
                    Some(new_value) => diff_at(path, old_value, new_value, changes),
                    None => changes.push(change(path, ChangeKind::Removed, Some(old_value), None)),
                }
                path.truncate(len);
            }
            for (key, new_value) in new.iter().filter(|(key, _)| !old.contains_key(*key)) {
                push_path_key(path, key);
                changes.push(change(path, ChangeKind::Added, None, Some(new_value)));
                path.truncate(len);
            }
        }
        (Value::Array(old), Value::Array(new)) => {
            for i in 0..old.len().max(new.len()) {
                path.push_str(&format!("[{i}]"));
                match (old.get(i), new.get(i)) {
                    (Some(o), Some(n)) => diff_at(path, o, n, changes),
                    (Some(o), None) => {
                        changes.push(change(path, ChangeKind::Removed, Some(o), None))
                    }
                    (None, Some(n)) => changes.push(change(path, ChangeKind::Added, None, Some(n))),
                    (None, None) => {}
                }
                path.truncate(len);
            }
        }
        (old, new) if old != new => {
            changes.push(change(path, ChangeKind::Changed, Some(old), Some(new)))
        }
        _ => {}
    }
}

fn change(
    path: &str,
    kind: ChangeKind,
    before: Option<&serde_json::Value>,
    after: Option<&serde_json::Value>,
) -> AnswerChange {
    AnswerChange {
        path: if path.is_empty() {
            ".".to_owned()
        } else {
            path.to_owned()
        },
        kind,
        before: before.cloned(),
        after: after.cloned(),
    }
}

/// Adds `key` to a jq path: `.key` for an identifier, `["any key"]` for
/// anything else (the response viewer's paths use it too).
pub fn push_path_key(path: &mut String, key: &str) {
    let simple = key
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if simple {
        path.push('.');
        path.push_str(key);
    } else {
        path.push_str(&format!("[{}]", serde_json::Value::from(key)));
    }
}

/// The entry files of a portal, oldest first, with their sizes.
fn entry_files(dir: &Path) -> Vec<(PathBuf, u64)> {
    let Ok(read) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<(PathBuf, u64)> = read
        .filter_map(Result::ok)
        .filter(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.ends_with(".json") && !name.starts_with('.')
        })
        .filter_map(|e| Some((e.path(), e.metadata().ok()?.len())))
        .collect();
    files.sort();
    files
}

/// A slug as one safe path component: `%XX` for anything but letters,
/// digits, `-` and `_` (so `.`, `..` and `/` cannot climb out).
fn file_name(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    if out.is_empty() {
        out.push('%');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(n: u64) -> HistoryEntry {
        HistoryEntry {
            at: "2026-12-01T10:00:00Z".into(),
            operation: Some("Get".into()),
            variables: serde_json::json!({ "n": n }),
            token: "admin".into(),
            status: Some(200),
            error: None,
            duration_ms: n,
            answer: String::new(),
            answer_bytes: 0,
            cancelled: false,
        }
    }

    #[test]
    fn a_cancelled_run_is_marked_and_older_entries_read_as_not_cancelled() {
        let dir = tempfile::tempdir().unwrap();
        let history = History::new(dir.path());
        let mut cancelled = entry(1);
        cancelled.cancelled = true;
        history.record("acme", "deploy", &entry(0)).unwrap();
        history.record("acme", "deploy", &cancelled).unwrap();
        let kept = history.entries("acme", "deploy");
        assert_eq!(kept, [entry(0), cancelled]);
        let written = serde_json::to_string(&entry(0)).unwrap();
        assert!(!written.contains("cancelled"), "as before: {written}");
        let old = r#"{"at":"2026-01-01T00:00:00Z","operation":null,"variables":{},"token":"admin","status":200,"error":null,"duration_ms":3,"answer":"","answer_bytes":0}"#;
        let read: HistoryEntry = serde_json::from_str(old).unwrap();
        assert!(!read.cancelled);
    }

    #[test]
    fn entries_come_back_in_order_and_the_oldest_go_past_the_count() {
        let dir = tempfile::tempdir().unwrap();
        let history = History::new(dir.path());
        for n in 0..(MAX_ENTRIES as u64 + 5) {
            history.record("acme", "deploy", &entry(n)).unwrap();
        }
        let kept = history.entries("acme", "deploy");
        assert_eq!(kept.len(), MAX_ENTRIES);
        assert_eq!(kept[0].duration_ms, 5);
        assert_eq!(kept.last().unwrap().duration_ms, MAX_ENTRIES as u64 + 4);
        assert!(history.entries("acme", "other").is_empty());
    }

    #[test]
    fn answers_are_cut_per_entry_and_bytes_bounded_per_portal() {
        let dir = tempfile::tempdir().unwrap();
        let history = History::new(dir.path());
        let mut big = entry(1);
        big.keep_answer(&"é".repeat(MAX_ANSWER));
        assert!(big.answer.len() <= MAX_ANSWER && big.answer_cut());
        assert_eq!(big.answer_bytes, 2 * MAX_ANSWER as u64);
        for _ in 0..60 {
            history.record("acme", "big", &big).unwrap();
        }
        let on_disk: u64 = entry_files(&history.portal_dir("acme", "big"))
            .iter()
            .map(|(_, size)| size)
            .sum();
        assert!(on_disk <= MAX_BYTES, "{on_disk}");
        assert!(history.entries("acme", "big").len() < 60);
    }

    #[test]
    fn a_slug_cannot_leave_the_history_dir() {
        assert_eq!(file_name("recent-builds"), "recent-builds");
        assert_eq!(file_name(".."), "%2E%2E");
        assert_eq!(file_name("a/b"), "a%2Fb");
        assert_eq!(file_name(""), "%");
    }

    #[test]
    fn answers_differ_by_path_added_removed_changed() {
        let before = serde_json::json!({
            "data": {"builds": [{"url": "a", "state": "passed"}, {"url": "b"}], "odd key": 1, "gone": true}
        });
        let after = serde_json::json!({
            "data": {"odd key": 2, "builds": [{"state": "failed", "url": "a"}], "new": null}
        });
        let changes: Vec<(String, ChangeKind)> = diff_answers(&before, &after)
            .into_iter()
            .map(|c| (c.path, c.kind))
            .collect();
        assert_eq!(
            changes,
            [
                (".data.builds[0].state".to_owned(), ChangeKind::Changed),
                (".data.builds[1]".to_owned(), ChangeKind::Removed),
                (".data[\"odd key\"]".to_owned(), ChangeKind::Changed),
                (".data.gone".to_owned(), ChangeKind::Removed),
                (".data.new".to_owned(), ChangeKind::Added),
            ]
        );
        let state = &diff_answers(&before, &after)[0];
        assert_eq!(state.before, Some(serde_json::json!("passed")));
        assert_eq!(state.after, Some(serde_json::json!("failed")));
    }

    #[test]
    fn equal_answers_have_no_difference_and_a_new_type_is_a_change() {
        let answer = serde_json::json!({"data": {"a": [1, {"b": 2}]}});
        assert!(diff_answers(&answer, &answer.clone()).is_empty());
        let changes = diff_answers(
            &serde_json::json!({"a": [1]}),
            &serde_json::json!({"a": {"0": 1}}),
        );
        assert_eq!(changes.len(), 1);
        assert_eq!(
            (changes[0].path.as_str(), changes[0].kind),
            (".a", ChangeKind::Changed)
        );
        assert_eq!(
            diff_answers(&serde_json::json!(1), &serde_json::json!(2))[0].path,
            "."
        );
    }

    #[cfg(unix)]
    #[test]
    fn entries_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let history = History::new(dir.path());
        history.record("acme", "deploy", &entry(1)).unwrap();
        let (path, _) = entry_files(&history.portal_dir("acme", "deploy")).remove(0);
        let mode = std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}
