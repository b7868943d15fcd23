//! `bkportals.lock`: which portals a directory manages, and what each looked
//! like on Buildkite when the directory and Buildkite last agreed (a hash of
//! the whole record as Buildkite sent it: the API has no version or
//! updated_at to compare).

use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::files::write_file;

pub const LOCK_FILE: &str = "bkportals.lock";
const VERSION: u32 = 1;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Lock {
    pub version: u32,
    /// The organization the directory belongs to; empty before the first pull.
    pub org: String,
    #[serde(default, rename = "portal")]
    pub portals: Vec<LockEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LockEntry {
    pub uuid: String,
    pub slug: String,
    /// SHA-256 of the record, its keys sorted; empty when it could not be read.
    pub sha256: String,
}

impl Lock {
    pub fn new(org: &str) -> Lock {
        Lock {
            version: VERSION,
            org: org.to_owned(),
            portals: Vec::new(),
        }
    }

    /// The lock of `dir`, or `None` when there is none yet.
    pub fn read(dir: &Path) -> Result<Option<Lock>, String> {
        let path = dir.join(LOCK_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("{}: {e}", path.display())),
        };
        let lock: Lock = toml::from_str(&text).map_err(|e| {
            format!(
                "{}: {} (run `bkportals pull` to write it again)",
                path.display(),
                e.message()
            )
        })?;
        if lock.version != VERSION {
            return Err(format!(
                "{}: version {} is not one this bkportals reads (it writes version {VERSION})",
                path.display(),
                lock.version
            ));
        }
        Ok(Some(lock))
    }

    pub fn write(&self, dir: &Path) -> std::io::Result<()> {
        let mut sorted = self.clone();
        sorted.portals.sort_by(|a, b| a.slug.cmp(&b.slug));
        let body = toml::to_string(&sorted).unwrap_or_default();
        let text = format!(
            "# Written by `bkportals pull` and `push`: the portals this directory manages and\n\
             # a hash of each as Buildkite last returned it (to tell what changed there).\n\
             # Commit it with the portal files; do not edit it.\n{body}"
        );
        write_file(&dir.join(LOCK_FILE), &text)
    }

    pub fn entry(&self, uuid: &str) -> Option<&LockEntry> {
        self.portals.iter().find(|e| e.uuid == uuid)
    }

    /// Records a portal as it is now on Buildkite.
    pub fn set(&mut self, uuid: &str, slug: &str, record: &serde_json::Value) {
        self.set_hash(uuid, slug, record_hash(record));
    }

    /// Records a portal whose record could not be read (its drift is unknown).
    pub fn set_hash(&mut self, uuid: &str, slug: &str, sha256: String) {
        let entry = LockEntry {
            uuid: uuid.to_owned(),
            slug: slug.to_owned(),
            sha256,
        };
        match self.portals.iter_mut().find(|e| e.uuid == uuid) {
            Some(existing) => *existing = entry,
            None => self.portals.push(entry),
        }
    }

    pub fn remove(&mut self, uuid: &str) {
        self.portals.retain(|e| e.uuid != uuid);
    }
}

/// SHA-256 (hex) of a record with its object keys sorted, so the order the
/// server happens to send them in is not a change.
pub fn record_hash(record: &serde_json::Value) -> String {
    let canonical = sorted(record).to_string();
    let digest = Sha256::digest(canonical.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn sorted(value: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            Value::Object(
                keys.into_iter()
                    .map(|k| (k.clone(), sorted(&map[k])))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_hash_ignores_key_order_and_sees_any_field() {
        let a = json!({"slug": "x", "name": "X", "created_by": {"id": 1, "name": "S"}});
        let b = json!({"created_by": {"name": "S", "id": 1}, "name": "X", "slug": "x"});
        assert_eq!(record_hash(&a), record_hash(&b));
        let mut changed = a.clone();
        changed["future_field"] = json!(true);
        assert_ne!(record_hash(&a), record_hash(&changed));
        assert_eq!(record_hash(&a).len(), 64);
    }

    #[test]
    fn a_lock_reads_back_as_written() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Lock::read(dir.path()).unwrap(), None);
        let mut lock = Lock::new("demo");
        lock.set("u-2", "b", &json!({"slug": "b"}));
        lock.set("u-1", "a", &json!({"slug": "a"}));
        lock.set("u-1", "a2", &json!({"slug": "a2"}));
        lock.write(dir.path()).unwrap();
        let read = Lock::read(dir.path()).unwrap().unwrap();
        assert_eq!(read.org, "demo");
        let slugs: Vec<&str> = read.portals.iter().map(|e| e.slug.as_str()).collect();
        assert_eq!(slugs, ["a2", "b"]);
    }

    #[test]
    fn a_broken_lock_says_how_to_mend_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(LOCK_FILE), "version = [").unwrap();
        let problem = Lock::read(dir.path()).unwrap_err();
        assert!(problem.contains("bkportals pull"), "{problem}");
    }
}
