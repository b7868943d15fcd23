//! Draft files: any content loads as a draft or is set aside with a message
//! (never a panic, never fatal); a draft that loads saves and loads back the
//! same. The open-token-dialog note reads any content too.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use bkportals::drafts::DraftStore;
use libfuzzer_sys::fuzz_target;

fn data_dir() -> &'static PathBuf {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let dir = DIR.get_or_init(|| tempfile::tempdir().expect("a temporary dir"));
        dir.path().to_owned()
    })
}

fuzz_target!(|data: &[u8]| {
    let _ = std::fs::remove_dir_all(data_dir().join("drafts"));
    let org_dir = data_dir().join("drafts/acme");
    std::fs::create_dir_all(&org_dir).expect("the drafts dir is made");
    std::fs::write(org_dir.join("fuzzed.json"), data).expect("the draft file is written");
    std::fs::write(org_dir.join("open-token-dialog"), data).expect("the note is written");

    let store = DraftStore::new(data_dir());
    let _ = store.open_token_dialog("acme");
    let (drafts, problems) = store.load("acme");
    assert_eq!(drafts.len() + problems.len(), 1, "{problems:?}");
    if !problems.is_empty() {
        assert!(org_dir.join("fuzzed.json.corrupt").exists(), "set aside");
        assert!(store.load("acme").0.is_empty(), "and not read again");
        return;
    }
    // Saved where its own org and slug say, and found there.
    let draft = &drafts[0];
    std::fs::remove_file(org_dir.join("fuzzed.json")).expect("the fuzz file goes");
    store.save(draft).expect("a draft that loaded saves");
    let (again, problems) = store.load(&draft.org);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(
        again.as_slice(),
        std::slice::from_ref(draft),
        "saved and loaded back the same"
    );
});
