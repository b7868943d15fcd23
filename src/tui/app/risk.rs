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
pub(crate) struct Risks(std::cell::RefCell<HashMap<String, (u64, Vec<String>)>>);

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
        self.risk.0.borrow_mut().clear();
    }

    fn with_risks<T>(&self, portal: &Portal, read: impl FnOnce(&[String]) -> T) -> T {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        (&portal.query, &portal.allowed_ip_addresses).hash(&mut hasher);
        let key = hasher.finish();
        let mut memo = self.risk.0.borrow_mut();
        if let Some((hash, reasons)) = memo.get(&portal.slug) {
            if *hash == key {
                return read(reasons);
            }
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
