//! The draft writer: drafts of unsaved edits reach the disk half a second
//! after typing pauses, in order with the writer's other work (a token
//! dialog's mark, the variables' values, taking an offered draft); a
//! portal another bkportals edits is refused, and watched until it is free.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use tokio::sync::mpsc;

use super::blocking;
use crate::drafts::DraftStore;
use crate::tui::message::Msg;

/// What the draft writer is asked to do.
pub(in crate::tui) enum DraftOp {
    Write(Box<crate::drafts::Draft>),
    Remove(String),
    /// Looks at an offered draft as it is on disk now (`DraftStore::take`).
    Take(Box<crate::drafts::Draft>, crate::tui::dialogs::DraftUse),
    /// A draft taken only to look at: its portal is no longer claimed here.
    Release(String),
    /// Note (or clear) that a new token's dialog is open; written at once,
    /// in order with the rest.
    MarkTokenDialog(Option<String>),
    /// The variables forms' values, written with the drafts.
    FormValues(crate::tui::run::Remembered),
    /// A portal another running bkportals had claimed when this one
    /// started: watched as a refused one is, so the app hears when it is free.
    Watch(String),
    /// Another running bkportals began editing this portal (its process
    /// number when known): refused here from now on, and watched.
    ClaimedElsewhere(String, Option<u32>),
    /// Write everything pending now, then answer.
    Flush(tokio::sync::oneshot::Sender<()>),
}

/// Drafts by slug (`None`: remove it), and the forms' values, to write.
#[derive(Default)]
struct PendingDrafts {
    drafts: HashMap<String, Option<Box<crate::drafts::Draft>>>,
    form_values: Option<crate::tui::run::Remembered>,
}

impl PendingDrafts {
    fn is_empty(&self) -> bool {
        self.drafts.is_empty() && self.form_values.is_none()
    }
}

/// Writes drafts once typing has paused for half a second (so within a
/// second of it stopping), and everything pending when asked to flush.
pub(in crate::tui) async fn draft_writer(
    store: DraftStore,
    org: String,
    mut ops: mpsc::UnboundedReceiver<DraftOp>,
    tx: mpsc::UnboundedSender<Msg>,
) {
    let mut pending = PendingDrafts::default();
    let mut holds = Holds::default();
    let (freed_tx, mut freed) = mpsc::unbounded_channel();
    loop {
        let next = async {
            tokio::select! {
                op = ops.recv() => Some(op),
                Some(slug) = freed.recv() => {
                    recheck_refused(&store, &org, &mut holds.refused, slug, &freed_tx, &tx).await;
                    None
                }
            }
        };
        let op = if pending.is_empty() {
            next.await
        } else {
            match tokio::time::timeout(Duration::from_millis(500), next).await {
                Ok(op) => op,
                Err(_) => {
                    let taken = write_drafts(&store, &org, std::mem::take(&mut pending), &tx).await;
                    holds.watch(&store, &org, taken, &freed_tx);
                    continue;
                }
            }
        };
        let Some(op) = op else { continue };
        match op {
            Some(DraftOp::Write(draft)) if holds.refused.contains(&draft.slug) => {}
            Some(DraftOp::Write(draft)) => {
                if holds.claimed.contains(&draft.slug)
                    || claim(&store, &org, &draft.slug, &tx).await
                {
                    holds.claimed.insert(draft.slug.clone());
                    pending.drafts.insert(draft.slug.clone(), Some(draft));
                } else {
                    holds.watch(&store, &org, vec![draft.slug.clone()], &freed_tx);
                }
            }
            Some(DraftOp::Watch(slug)) if !holds.claimed.contains(&slug) => {
                holds.watch(&store, &org, vec![slug], &freed_tx);
            }
            Some(DraftOp::Watch(_)) => {}
            Some(DraftOp::ClaimedElsewhere(slug, pid))
                if !holds.claimed.contains(&slug) && !holds.refused.contains(&slug) =>
            {
                holds.watch(&store, &org, vec![slug.clone()], &freed_tx);
                let _ = tx.send(Msg::DraftClaimedElsewhere { slug, pid });
            }
            Some(DraftOp::ClaimedElsewhere(..)) => {}
            Some(DraftOp::Remove(slug)) => {
                holds.claimed.remove(&slug);
                pending.drafts.insert(slug, None);
            }
            Some(DraftOp::Take(shown, purpose)) => {
                let (store2, draft) = (store.clone(), shown.clone());
                let now = blocking(move || store2.take(&draft))
                    .await
                    .unwrap_or_else(|e| {
                        crate::drafts::OnDisk::Unreadable(format!(
                            "its draft could not be read ({e})"
                        ))
                    });
                match now {
                    crate::drafts::OnDisk::Unchanged => {
                        holds.claimed.insert(shown.slug.clone());
                        holds.refused.remove(&shown.slug);
                    }
                    // Taken through the other one's drafts dialog: the app
                    // hears when it is free, as of a portal refused.
                    crate::drafts::OnDisk::Elsewhere(_) => {
                        holds.watch(&store, &org, vec![shown.slug.clone()], &freed_tx);
                    }
                    _ => {}
                }
                let _ = tx.send(Msg::DraftTaken {
                    shown,
                    purpose,
                    now,
                });
            }
            Some(DraftOp::Release(slug)) if !pending.drafts.contains_key(&slug) => {
                holds.claimed.remove(&slug);
                let (store, org) = (store.clone(), org.clone());
                let _ = blocking(move || store.release_claim(&org, &slug)).await;
            }
            Some(DraftOp::Release(_)) => {}
            Some(DraftOp::FormValues(values)) => pending.form_values = Some(values),
            Some(DraftOp::MarkTokenDialog(slug)) => {
                let (store, org) = (store.clone(), org.clone());
                let _ = blocking(move || store.mark_token_dialog(&org, slug.as_deref())).await;
            }
            Some(DraftOp::Flush(done)) => {
                let taken = write_drafts(&store, &org, std::mem::take(&mut pending), &tx).await;
                holds.watch(&store, &org, taken, &freed_tx);
                let _ = done.send(());
            }
            None => {
                write_drafts(&store, &org, pending, &tx).await;
                // What is left now is this session's leftovers: the next
                // bkportals offers them.
                let _ = blocking(move || store.release()).await;
                return;
            }
        }
    }
}

/// Whether this process may write the draft of `slug`; when another
/// bkportals edits it, the app is told (and nothing is written).
async fn claim(store: &DraftStore, org: &str, slug: &str, tx: &mpsc::UnboundedSender<Msg>) -> bool {
    let (store, org, key) = (store.clone(), org.to_owned(), slug.to_owned());
    match blocking(move || store.claim(&org, &key)).await {
        Ok(Ok(crate::drafts::Claim::Elsewhere(pid))) => {
            let slug = slug.to_owned();
            let _ = tx.send(Msg::DraftEditedElsewhere { slug, pid });
            false
        }
        // Written as before: a failure to write is said when it is written.
        _ => true,
    }
}

/// Which portals are this process's to write, and which another holds.
#[derive(Default)]
struct Holds {
    /// Claimed here: checked when their first draft comes, at once, so an
    /// instance editing the same portal is refused before either has typed
    /// much.
    claimed: HashSet<String>,
    /// Held by another instance: each has a thread asleep until that one
    /// lets go of it (no looking again and again: an idle app does no
    /// work), to tell the app then.
    refused: HashSet<String>,
}

impl Holds {
    /// Another instance holds each of `slugs`: watched from now on (once).
    fn watch(
        &mut self,
        store: &DraftStore,
        org: &str,
        slugs: Vec<String>,
        freed: &mpsc::UnboundedSender<String>,
    ) {
        for slug in slugs {
            self.claimed.remove(&slug);
            if self.refused.insert(slug.clone()) {
                watch_claim(store, org, &slug, freed);
            }
        }
    }
}

/// A thread asleep until no other instance edits `slug`, which then sends
/// `slug` on `freed`. (Not the blocking pool: the runtime's shutdown would
/// wait for it.) Should the wait fail, it looks again two seconds later.
fn watch_claim(store: &DraftStore, org: &str, slug: &str, freed: &mpsc::UnboundedSender<String>) {
    let (store, org, slug, freed) = (
        store.clone(),
        org.to_owned(),
        slug.to_owned(),
        freed.clone(),
    );
    let watcher = std::thread::Builder::new().name("draft-claim".into());
    // Without a thread to be had the portal stays refused, as is safe.
    let _ = watcher.spawn(move || {
        if store.wait_until_not_edited_elsewhere(&org, &slug).is_err() {
            std::thread::sleep(Duration::from_secs(2));
        }
        let _ = freed.send(slug);
    });
}

/// `slug`'s other instance let go of it: the app is told
/// (`Msg::DraftFreed`) of the draft that one left on disk, if any, unless a
/// third instance took the portal meanwhile (then the wait goes on).
async fn recheck_refused(
    store: &DraftStore,
    org: &str,
    refused: &mut HashSet<String>,
    slug: String,
    freed: &mpsc::UnboundedSender<String>,
    tx: &mpsc::UnboundedSender<Msg>,
) {
    if !refused.contains(&slug) {
        return;
    }
    let (drafts, organization, key) = (store.clone(), org.to_owned(), slug.clone());
    let outcome = blocking(move || {
        let free = !drafts.edited_elsewhere(&organization, &key);
        free.then(|| {
            drafts
                .load_one(&organization, &key)
                .map(|d| d.map(Box::new))
        })
    })
    .await;
    match outcome {
        Ok(Some(left)) => {
            refused.remove(&slug);
            let _ = tx.send(Msg::DraftFreed { slug, left });
        }
        _ => watch_claim(store, org, &slug, freed),
    }
}

/// Writes (and removes) what is pending; the app is told of each failure
/// and refusal. The slugs refused, another instance holding them: to watch.
async fn write_drafts(
    store: &DraftStore,
    org: &str,
    pending: PendingDrafts,
    tx: &mpsc::UnboundedSender<Msg>,
) -> Vec<String> {
    if pending.is_empty() {
        return Vec::new();
    }
    let (store, org) = (store.clone(), org.to_owned());
    let outcome = blocking(move || {
        let (mut failures, mut refusals) = (Vec::new(), Vec::new());
        if let Some(values) = pending.form_values {
            let json = crate::tui::remembered::to_json(&values);
            if let Err(e) = store.save_form_values(&org, &json) {
                failures.push(format!("Could not keep the variables' values on disk: {e}"));
            }
        }
        for (slug, draft) in pending.drafts {
            let result = match draft {
                Some(mut draft) => {
                    draft.saved_at =
                        chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
                    store.save(&draft)
                }
                None => store.remove(&org, &slug),
            };
            match result {
                Ok(()) => {}
                Err(e) => match crate::drafts::EditedElsewhere::in_error(&e) {
                    Some(refused) => refusals.push((slug, refused.0)),
                    None => {
                        failures.push(format!("Could not keep the draft of {slug} on disk: {e}"))
                    }
                },
            }
        }
        (failures, refusals)
    })
    .await
    .unwrap_or_else(|e| {
        (
            vec![format!("Could not keep the drafts on disk: {e}")],
            Vec::new(),
        )
    });
    let (failures, refusals) = outcome;
    for failure in failures {
        let _ = tx.send(Msg::Status(failure));
    }
    let mut refused = Vec::new();
    for (slug, pid) in refusals {
        refused.push(slug.clone());
        let _ = tx.send(Msg::DraftEditedElsewhere { slug, pid });
    }
    refused
}

#[cfg(all(test, unix))]
mod tests;

/// A thread asleep until another running bkportals claims a portal of `org`
/// (`DraftStore::watch_claims`), which then tells the draft writer. Without
/// a watch (not Linux, or no inotify) such a portal is refused at its first
/// draft instead, as before.
pub(in crate::tui) fn watch_new_claims(
    store: &DraftStore,
    org: &str,
    draft_tx: &mpsc::UnboundedSender<DraftOp>,
) {
    // Weak: the draft writer ends once the app's senders are gone, and this
    // thread, asleep in its watch, must not keep it going.
    let draft_tx = draft_tx.downgrade();
    let (store, org) = (store.clone(), org.to_owned());
    let watcher = std::thread::Builder::new().name("draft-claims".into());
    // The watch is set up there too: the first frame does not wait for it.
    let _ = watcher.spawn(move || {
        let Ok(mut watch) = store.watch_claims(&org) else {
            return;
        };
        while let Ok(claimed) = watch.wait_for_claims() {
            let Some(draft_tx) = draft_tx.upgrade() else {
                return; // the app has ended
            };
            for (slug, pid) in claimed {
                let _ = draft_tx.send(DraftOp::ClaimedElsewhere(slug, pid));
            }
        }
    });
}
