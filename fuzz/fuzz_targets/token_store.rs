//! The token store file: any content opens or is refused with a message
//! (never a panic); a store that opens lists its tokens, and a write keeps
//! every token the file held (it re-reads and merges) and adds its own.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use bkportals::secrets::{Backend, Secret, TokenEntry, TokenStore};
use libfuzzer_sys::fuzz_target;

fn store_path() -> &'static PathBuf {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let dir = DIR.get_or_init(|| tempfile::tempdir().expect("a temporary dir"));
        dir.path().join("tokens.toml")
    })
}

fuzz_target!(|data: &[u8]| {
    let path = store_path();
    std::fs::write(path, data).expect("the fuzz file is written");
    // A store that opened before the file changed: its write must merge.
    let Ok(mut store) = TokenStore::open_with(path, Backend::File) else {
        return;
    };
    let before = store.entries();
    for org in before.iter().map(|e| e.organization.clone()) {
        let _ = store.portal_slugs(&org);
    }
    // Never a keyring call here: only file values are added and removed.
    let (org, portal) = ("fuzz-org\u{1b}", "fuzz-portal");
    if store
        .set_portal_token(org, portal, Secret::new("bkpt_fuzz"))
        .is_err()
    {
        return;
    }
    let after = TokenStore::open_with(path, Backend::File)
        .expect("a file bkportals wrote opens again")
        .entries();
    // Expiry is judged against the clock, so compare what the file says.
    let same = |a: &TokenEntry, b: &TokenEntry| {
        (&a.organization, &a.portal, a.kind, &a.expires_at)
            == (&b.organization, &b.portal, b.kind, &b.expires_at)
    };
    for entry in &before {
        if (entry.organization.as_str(), entry.portal.as_str()) != (org, portal) {
            assert!(
                after.iter().any(|a| same(a, entry)),
                "{entry:?} was dropped by a write"
            );
        }
    }
    assert!(after
        .iter()
        .any(|e| e.organization == org && e.portal == portal));
    assert!(store
        .forget_portal_token(org, portal)
        .expect("forgets its own"));
});
