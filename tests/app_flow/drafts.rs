//! Drafts between two bkportals: the other one is a lock on the portal's
//! claim held here as that process would hold it (taken in its drafts
//! dialog), and dropped as it quits.

use std::sync::{Arc, Mutex};

use crossterm::event::KeyCode;

use super::{common, key, leave_a_draft_of_who_am_i, play, Step};

/// The other bkportals: takes the claim of `slug` in `data` when its step
/// comes, and lets go of it (quits) at the step `quits` makes.
struct OtherBkportals {
    lock: std::path::PathBuf,
    held: Arc<Mutex<Option<std::fs::File>>>,
}

impl OtherBkportals {
    fn new(data: &std::path::Path, slug: &str) -> OtherBkportals {
        OtherBkportals {
            lock: data.join(format!("drafts/.owners/demo/{slug}.lock")),
            held: Arc::default(),
        }
    }

    fn takes_the_draft(&self) -> Step {
        let (lock, held) = (self.lock.clone(), self.held.clone());
        Step::Check(Box::new(move |_| {
            let mut file = bkportals::fsutil::try_lock_exclusive(&lock)
                .unwrap()
                .expect("nobody holds it yet");
            // Its process number, over what the last holder wrote.
            file.set_len(0).unwrap();
            std::io::Write::write_all(&mut file, b"4242").unwrap();
            *held.lock().unwrap() = Some(file);
        }))
    }

    fn quits(&self) -> Step {
        let held = self.held.clone();
        Step::Check(Box::new(move |_| drop(held.lock().unwrap().take())))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_draft_another_bkportals_takes_meanwhile_is_said_taken_at_x_and_offered_once_it_quits() {
    let sandbox = common::sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let first = leave_a_draft_of_who_am_i();
    play(&sandbox, dir.path(), first).await;
    let draft = dir.path().join("data/drafts/demo/who-am-i.json");
    assert!(draft.exists(), "left for the next start");

    let other = OtherBkportals::new(&dir.path().join("data"), "who-am-i");
    let steps = vec![
        Step::Show("from an earlier session:"),
        other.takes_the_draft(),
        key(KeyCode::Char('x')),
        // Said at once, before any question.
        Step::ShowWithout(
            "The draft of who-am-i is taken by another bkportals still running (process 4242)",
            "cannot be undone",
        ),
        Step::Show("(taken by another bkportals)"),
        other.quits(),
        // Watched: no `r` needed to hear that it is free again.
        Step::ShowWithout(
            "no longer edits who-am-i and left its draft",
            "(taken by another bkportals)",
        ),
        key(KeyCode::Char('x')),
        Step::Show("cannot be undone"),
        key(KeyCode::Char('y')),
        Step::Show("Discarded the draft of who-am-i."),
        key(KeyCode::Char('q')),
    ];
    play(&sandbox, dir.path(), steps).await;
    assert!(!draft.exists(), "discarded once it was free");
}
