//! The list's `!`: a portal `bkportals audit` warns about or fails (the
//! same `audit`, so the two agree): a mutation open to any address, or a
//! document that does not parse or, with the schema loaded, does not
//! validate against it. Worked out once per (document, allowed IPs, schema)
//! and kept by slug: the list is drawn often, a document checked once.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use super::App;
use crate::audit::Severity;
use crate::buildkite::Portal;

/// Each portal's reasons for its `!` (empty: none), by slug, with a hash of
/// the document and allowed IPs they were found in. Emptied when the schema
/// changes.
#[derive(Debug, Default)]
pub(crate) struct Risks {
    found: std::cell::RefCell<HashMap<String, (u64, Vec<String>)>>,
}

impl App {
    /// Whether `bkportals audit` warns about `portal` or fails it.
    pub fn is_risky(&self, portal: &Portal) -> bool {
        self.with_risks(portal, |reasons| !reasons.is_empty())
    }

    /// Why `portal` is marked `!`, as `audit` says it (empty: it is not).
    pub fn risk_reasons(&self, portal: &Portal) -> Vec<String> {
        self.with_risks(portal, <[String]>::to_vec)
    }

    /// A new schema: documents are checked against it when next drawn.
    pub(super) fn forget_risks(&self) {
        self.risk.found.borrow_mut().clear();
    }

    fn with_risks<T>(&self, portal: &Portal, read: impl FnOnce(&[String]) -> T) -> T {
        let key = document_key(portal);
        let mut memo = self.risk.found.borrow_mut();
        if let Some((hash, reasons)) = memo.get(&portal.slug) {
            if *hash == key {
                return read(reasons);
            }
        }
        if self.names_first.get() {
            return read(&[]);
        }
        let reasons: Vec<String> = crate::audit::audit(portal, self.schema.as_ref())
            .findings
            .into_iter()
            // What `PortalAudit::risky` counts: all but the notes to review.
            .filter(|f| f.severity != Severity::Review)
            .map(|f| f.message)
            .collect();
        let answer = read(&reasons);
        memo.insert(portal.slug.clone(), (key, reasons));
        answer
    }
}

/// Documents up to this size are hashed whole for the memo's key.
const HASHED_WHOLE: usize = 64 * 1024;

/// What the memo's entry was found in. Rows are drawn every frame, so a
/// large document is not hashed whole each time (20 MB is ~15 ms): it is
/// known by where its text lives, its length and its two ends; a changed
/// document is a new string, so that key changes with it.
fn document_key(portal: &Portal) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    portal.allowed_ip_addresses.hash(&mut hasher);
    let query = portal.query.as_bytes();
    if query.len() <= HASHED_WHOLE {
        query.hash(&mut hasher);
    } else {
        let end = 4 * 1024;
        (query.as_ptr() as usize, query.len()).hash(&mut hasher);
        query[..end].hash(&mut hasher);
        query[query.len() - end..].hash(&mut hasher);
    }
    hasher.finish()
}
