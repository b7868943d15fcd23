//! The draft writer against a drafts folder where another bkportals (here a
//! lock held as that process would hold it) has a portal: what it refuses
//! is watched, and the app hears once that one lets go.

use std::time::Duration;

use tokio::sync::mpsc;

use super::{draft_writer, DraftOp};
use crate::drafts::{Draft, DraftStore, OnDisk};
use crate::tui::dialogs::DraftUse;
use crate::tui::message::Msg;

const OTHER: u32 = 4242;

fn draft(slug: &str) -> Draft {
    let base: crate::buildkite::Portal = serde_json::from_value(serde_json::json!({
        "uuid": "u", "slug": slug, "organization_uuid": "o", "name": "Deploy",
        "query": "query A { viewer { user { name } } }",
        "allowed_ip_addresses": null, "user_invokable": false,
        "created_at": "2024-08-26T03:22:45.555Z", "created_by": null
    }))
    .unwrap();
    Draft {
        org: "acme".into(),
        slug: slug.into(),
        document: "query B { viewer { user { name } } }".into(),
        name: base.name.clone(),
        new_slug: slug.into(),
        description: String::new(),
        allowed_ips: String::new(),
        user_invokable: false,
        saved_at: "2026-12-01T18:00:00Z".into(),
        base,
    }
}

/// A drafts folder holding the draft of `deploy` an earlier session left,
/// whose portal another running bkportals has now claimed (it took the
/// draft in its drafts dialog); that one's lock, to drop as it quits.
fn taken_elsewhere(dir: &std::path::Path) -> (DraftStore, std::fs::File) {
    let store = DraftStore::new(dir);
    store.save(&draft("deploy")).unwrap();
    store.release(); // that session ended
    let lock = dir.join("drafts/.owners/acme/deploy.lock");
    crate::fsutil::create_private_dir(lock.parent().unwrap()).unwrap();
    let mut held = crate::fsutil::try_lock_exclusive(&lock)
        .unwrap()
        .expect("free");
    // Its process number, over the one this process wrote saving.
    held.set_len(0).unwrap();
    std::io::Write::write_all(&mut held, OTHER.to_string().as_bytes()).unwrap();
    (store, held)
}

async fn next(rx: &mut mpsc::UnboundedReceiver<Msg>) -> Msg {
    tokio::time::timeout(Duration::from_secs(10), rx.recv())
        .await
        .expect("the writer says something within 10 s")
        .expect("the writer is still there")
}

/// Waits for the app to be told `slug` is free, and what it left.
async fn freed(rx: &mut mpsc::UnboundedReceiver<Msg>) -> (String, Option<Draft>) {
    loop {
        if let Msg::DraftFreed { slug, left } = next(rx).await {
            return (slug, left.map(|left| *left.expect("readable")));
        }
    }
}

#[tokio::test]
async fn a_draft_taken_through_another_bkportals_drafts_dialog_is_watched_until_it_quits() {
    let dir = tempfile::tempdir().unwrap();
    let (store, held) = taken_elsewhere(dir.path());
    let (ops, ops_rx) = mpsc::unbounded_channel();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let writer = tokio::spawn(draft_writer(store, "acme".into(), ops_rx, tx));

    ops.send(DraftOp::Take(Box::new(draft("deploy")), DraftUse::Restore))
        .unwrap();
    let Msg::DraftTaken { now, .. } = next(&mut rx).await else {
        panic!("the look at the disk is answered first");
    };
    assert_eq!(now, OnDisk::Elsewhere(Some(OTHER)));

    drop(held); // the other one quits, leaving the draft as it was
    let (slug, left) = freed(&mut rx).await;
    assert_eq!(slug, "deploy");
    assert_eq!(left, Some(draft("deploy")), "what it left is offered");
    drop(ops);
    writer.await.unwrap();
}

#[tokio::test]
async fn a_discard_refused_as_another_bkportals_holds_the_portal_is_watched_until_it_quits() {
    let dir = tempfile::tempdir().unwrap();
    let (store, held) = taken_elsewhere(dir.path());
    let (ops, ops_rx) = mpsc::unbounded_channel();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let writer = tokio::spawn(draft_writer(store.clone(), "acme".into(), ops_rx, tx));

    ops.send(DraftOp::Remove("deploy".into())).unwrap();
    let (done, flushed) = tokio::sync::oneshot::channel();
    ops.send(DraftOp::Flush(done)).unwrap();
    let Msg::DraftEditedElsewhere { slug, pid } = next(&mut rx).await else {
        panic!("the refusal is said");
    };
    assert_eq!((slug.as_str(), pid), ("deploy", Some(OTHER)));
    flushed.await.unwrap();
    assert!(store.load_one("acme", "deploy").is_some(), "not removed");

    drop(held);
    let (slug, left) = freed(&mut rx).await;
    assert_eq!(slug, "deploy");
    assert_eq!(left, Some(draft("deploy")));
    drop(ops);
    writer.await.unwrap();
}
