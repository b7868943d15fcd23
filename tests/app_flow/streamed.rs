//! An answer shown as it arrives: a portal on loopback sends a large body
//! in pieces and holds the rest until the test lets it go, so what the
//! screen shows before the end is known to be from before the end.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::routing::post;
use bkportals::buildkite::{ClientOptions, PortalClient};
use crossterm::event::KeyCode;
use futures_util::StreamExt;
use tokio::sync::oneshot;

use super::{common, fake, key, play_on, services, typed, Scripted, Step};

/// A body of builds, about 700 KB of compact JSON (a large answer for a
/// debug build), with a last line to look for.
fn builds_body() -> String {
    let builds: Vec<String> = (0..20_000)
        .map(|i| format!(r#"{{"number":{i},"message":"build {i}"}}"#))
        .collect();
    format!(
        r#"{{"data":{{"builds":[{}],"end":"the last line"}}}}"#,
        builds.join(",")
    )
}

/// A portal that sends the first `first` bytes of `body` at once and the
/// rest in pieces once the returned sender fires (or, `cut`, loses the
/// connection there instead).
fn slow_portal(body: String, first: usize, cut: bool) -> (fake::FakeServer, oneshot::Sender<()>) {
    let (go, gate) = oneshot::channel::<()>();
    let gate = Arc::new(Mutex::new(Some(gate)));
    let router = axum::Router::new().route(
        "/portal/organizations/{org}/portals/{slug}",
        post(move || {
            let gate = gate.lock().unwrap().take();
            let body = body.clone();
            async move {
                let (head, rest) = body.split_at(first);
                let mut rest: Vec<Result<String, std::io::Error>> = if cut {
                    vec![Err(std::io::Error::other("the connection was lost"))]
                } else {
                    rest.as_bytes()
                        .chunks(100_000)
                        .map(|piece| Ok(String::from_utf8_lossy(piece).into_owned()))
                        .collect()
                };
                let head = futures_util::stream::once(std::future::ready(Ok(head.to_owned())));
                let tail = futures_util::stream::once(async move {
                    if let Some(gate) = gate {
                        let _ = gate.await;
                    }
                })
                .flat_map(move |()| futures_util::stream::iter(std::mem::take(&mut rest)));
                (
                    [("content-type", "application/json")],
                    Body::from_stream(head.chain(tail)),
                )
            }
        }),
    );
    (fake::FakeServer::start(router), go)
}

/// The sandbox's list and tokens, with runs going to `portal`.
async fn services_with_portal(
    sandbox: &bkportals::sandbox::RunningSandbox,
    dir: &std::path::Path,
    portal: &fake::FakeServer,
) -> bkportals::tui::Services {
    let mut services = services(sandbox, dir).await;
    let options = ClientOptions {
        request_timeout: Duration::from_secs(20),
        // Past this the body goes to the private temporary file, as large
        // answers do: streaming keeps that.
        spill_bytes: 256 << 10,
        ..common::quick_options()
    };
    services.portals = PortalClient::new(
        portal.url("portal/").parse().unwrap(),
        &sandbox.org_slug,
        options,
    )
    .unwrap();
    services
}

/// Runs who-am-i from the list against a portal that holds the rest of
/// `body` (`cut`: loses the connection there instead); once its first build
/// is on screen, plays `then(go)`, where `go` lets the portal go on, then
/// Esc and quit. The sandbox and the app's directory, after it quit.
async fn run_slowly(
    body: String,
    cut: bool,
    then: impl FnOnce(oneshot::Sender<()>) -> Vec<Step>,
) -> (bkportals::sandbox::RunningSandbox, tempfile::TempDir) {
    let sandbox = common::sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let (portal, go) = slow_portal(body, 300_000, cut);
    let mut steps = super::run_who_am_i();
    steps.push(Step::Show("\"number\": 0,"));
    steps.extend(then(go));
    steps.push(key(KeyCode::Esc));
    steps.push(key(KeyCode::Char('q')));
    let services = services_with_portal(&sandbox, dir.path(), &portal).await;
    play_on(Scripted::new(steps), services, 0).await;
    (sandbox, dir)
}

/// The one run of who-am-i the app recorded.
fn run_recorded(
    sandbox: &bkportals::sandbox::RunningSandbox,
    dir: &tempfile::TempDir,
) -> bkportals::history::HistoryEntry {
    let mut entries = bkportals::history::History::new(&dir.path().join("data"))
        .entries(&sandbox.org_slug, "who-am-i");
    assert_eq!(entries.len(), 1, "{entries:?}");
    entries.remove(0)
}

/// The first build number on screen (the response pane's top line or so).
fn first_build_shown(screen: &str) -> Option<u32> {
    screen
        .split("\"number\": ")
        .skip(1)
        .filter_map(|rest| rest.split(',').next()?.trim().parse().ok())
        .min()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_answer_shows_its_first_screen_while_the_rest_arrives_then_becomes_the_whole() {
    let body = builds_body();
    let top = Arc::new(Mutex::new(None));
    let (sandbox, dir) = run_slowly(body.clone(), false, |go| {
        // The rest is held by the portal: this screen is from before the end.
        let mut steps = vec![Step::Show("Receiving the answer of who-am-i")];
        steps.push(key(KeyCode::PageDown)); // scrolling works on what arrived
        steps.push(key(KeyCode::PageDown));
        let seen = top.clone();
        steps.push(Step::Check(Box::new(move |screen| {
            assert!(screen.contains("Receiving… "), "marked partial:\n{screen}");
            assert!(!screen.contains("the last line"), "not the end yet");
            let first = first_build_shown(screen).expect("builds on screen");
            assert!(first > 0, "scrolled down:\n{screen}");
            *seen.lock().unwrap() = Some(first);
            let _ = go.send(());
        })));
        steps.push(Step::Show("who-am-i: HTTP 200 in"));
        let seen = top.clone();
        steps.push(Step::Check(Box::new(move |screen| {
            assert!(!screen.contains("Receiving"), "whole now:\n{screen}");
            assert!(screen.contains("kept on disk"), "spilled:\n{screen}");
            let first = first_build_shown(screen);
            assert_eq!(first, *seen.lock().unwrap(), "where it was read");
        })));
        steps.push(key(KeyCode::Char('G')));
        steps.push(Step::Show("\"end\": \"the last line\""));
        steps.push(key(KeyCode::Char('/'))); // the indexed view: search
        steps.extend(typed("build 19999"));
        steps.push(key(KeyCode::Enter));
        steps.push(Step::Show("1 of 1"));
        steps
    })
    .await;
    let entry = run_recorded(&sandbox, &dir);
    assert_eq!(entry.status, Some(200));
    assert_eq!(entry.answer_bytes, body.len() as u64, "the whole answer");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_cut_midway_stays_on_screen_marked_cut_never_whole() {
    let (sandbox, dir) = run_slowly(builds_body(), true, |go| {
        let mut steps = vec![Step::Check(Box::new(move |_| {
            let _ = go.send(());
        }))];
        steps.push(Step::Show("The answer of who-am-i was cut after"));
        steps.push(Step::Show("✗ Not the whole answer: cut after"));
        steps.push(key(KeyCode::Char('s'))); // no save of a part as if whole
        steps.push(Step::Show("Not the whole answer (cut after"));
        steps.push(Step::Check(Box::new(|screen| {
            let kept = screen.contains("\"number\": 0,");
            assert!(kept, "what arrived stays:\n{screen}");
            assert!(!screen.contains("HTTP 200 in"), "never complete:\n{screen}");
        })));
        steps
    })
    .await;
    let entry = run_recorded(&sandbox, &dir);
    assert!(entry.error.is_some(), "recorded as failed: {entry:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn esc_stops_an_answer_that_is_arriving() {
    run_slowly(builds_body(), false, |go| {
        let mut steps = vec![key(KeyCode::Esc)];
        steps.push(Step::Show("Run cancelled."));
        steps.push(Step::Show("✗ Not the whole answer: cancelled after"));
        steps.push(Step::Check(Box::new(move |screen| {
            let kept = screen.contains("\"number\": 0,");
            assert!(kept, "what arrived stays:\n{screen}");
            let _ = go.send(()); // the portal goes on: nobody reads it now
        })));
        steps
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_cancelled_while_it_arrives_is_recorded_as_cancelled_and_h_says_so() {
    let sandbox = common::sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let (portal, go) = slow_portal(builds_body(), 300_000, false);
    let history = bkportals::history::History::new(&dir.path().join("data"));
    let (recorded, org) = (history.clone(), sandbox.org_slug.clone());
    let mut steps = super::run_who_am_i();
    steps.push(Step::Show("\"number\": 0,"));
    steps.push(key(KeyCode::Esc));
    steps.push(Step::Show("Run cancelled."));
    steps.push(Step::Check(Box::new(move |_| {
        // The record is written on the blocking pool: H reads it once it is there.
        for _ in 0..400 {
            if !recorded.entries(&org, "who-am-i").is_empty() {
                break;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        let _ = go.send(()); // the portal goes on: nobody reads it now
    })));
    steps.push(key(KeyCode::Char('H')));
    steps.push(Step::Show("  -  admin  200 cancelled  "));
    steps.push(key(KeyCode::Esc)); // the history
    steps.push(key(KeyCode::Esc));
    steps.push(key(KeyCode::Char('q')));
    let services = services_with_portal(&sandbox, dir.path(), &portal).await;
    play_on(Scripted::new(steps), services, 0).await;
    let entry = run_recorded(&sandbox, &dir);
    assert!(entry.cancelled, "{entry:?}");
    assert_eq!(entry.status, Some(200));
    assert_eq!(entry.error, None);
    assert!(entry
        .answer
        .starts_with(r#"{"data":{"builds":[{"number":0,"#));
    // What had reached the app by Esc (the first piece at least), not the whole.
    assert!(
        entry.answer_bytes >= entry.answer.len() as u64
            && entry.answer_bytes < builds_body().len() as u64,
        "what had arrived, not the whole: {}",
        entry.answer_bytes
    );
}
