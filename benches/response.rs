//! The response viewer on a 50 MB JSON body, through the messages the
//! runtime sends (`tui/stream.rs`): the status, the body in pieces as
//! `Pieces` gathers the reads, then the whole indexed (`Msg::Answered`).
//! Request to first screen over a real loopback HTTP server, the real client
//! and the runtime's own run task; from the last byte to the whole, indexed,
//! in a frame; then a scroll step and a fold, each to a new frame. Peak
//! memory is printed. Then searches in a 50 MB log: a needle on almost every
//! line, on a few, on none.

use std::time::{Duration, Instant};

use bkportals::buildkite::invoke::GraphqlEnvelope;
use bkportals::buildkite::{ClientOptions, Portal, PortalClient};
use bkportals::buildkite::{InvokeResponse, RateLimit};
use bkportals::secrets::{Secret, TokenKind};
use bkportals::tui::app::App;
use bkportals::tui::message::{Command, Msg};
use bkportals::tui::response::AnswerHead;
use bkportals::tui::run::ResponseView;
use bkportals::tui::stream::{Invocation, Pieces};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

fn fifty_megabytes() -> String {
    let mut body = String::with_capacity(52 << 20);
    body.push_str(r#"{"data":{"pipeline":{"name":"Web","builds":{"edges":["#);
    let mut i = 0;
    while body.len() < 50 << 20 {
        if i > 0 {
            body.push(',');
        }
        body.push_str(&format!(
            r#"{{"node":{{"number":{i},"state":"PASSED","branch":"main","message":"Bump dependencies for release {i}","url":"https://buildkite.com/demo/web/builds/{i}","tags":["a","b"],"meta":{{}}}}}}"#
        ));
        i += 1;
    }
    body.push_str("]}}}}");
    body
}

/// The first build's line, pretty-printed: on the first screen.
const FIRST_LINE: &str = "\"number\": 0,";

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// The app with portal `big` listed and Ctrl-r pressed: the run's command.
fn app_running() -> (App, Invocation) {
    let mut app = App::new("demo", vec!["big".into()]);
    app.update(Msg::Resize(140, 40));
    let portal: Portal = serde_json::from_value(serde_json::json!({
        "uuid": "u", "slug": "big", "organization_uuid": "o", "name": "Big",
        "query": "query Big { viewer { user { name } } }",
        "created_at": "2024-08-26T03:22:45.555Z"
    }))
    .expect("a portal");
    app.update(Msg::PortalsPage(vec![portal]));
    app.update(Msg::PortalsLoaded);
    let commands = app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('r'),
        KeyModifiers::CONTROL,
    )));
    let invocation = commands.into_iter().find_map(|command| match command {
        Command::Invoke {
            slug,
            operation,
            variables,
            run,
            ..
        } => Some(Invocation {
            slug,
            operation,
            variables,
            run,
        }),
        _ => None,
    });
    (app, invocation.expect("Ctrl-r runs the portal"))
}

/// The app once the body arrived as the runtime forwards it (the status,
/// then the reads gathered into pieces), before the whole is indexed.
fn app_received(body: &str) -> (App, u64) {
    let (mut app, invocation) = app_running();
    let (slug, run) = (invocation.slug, invocation.run);
    let head = AnswerHead {
        status: 200,
        elapsed: Duration::from_millis(5),
        rate_limit: RateLimit::default(),
        ran_as: Some(TokenKind::Admin),
    };
    app.update(Msg::AnswerStarted {
        slug: slug.clone(),
        run,
        head: Box::new(head),
    });
    let mut pieces = Pieces::default();
    // Reads of the size hyper hands over on loopback.
    for read in body.as_bytes().chunks(64 << 10) {
        if let Some(piece) = pieces.push(read, Instant::now()) {
            app.update(Msg::AnswerPiece {
                slug: slug.clone(),
                run,
                piece,
            });
        }
    }
    let piece = pieces.finish();
    app.update(Msg::AnswerPiece { slug, run, piece });
    (app, run)
}

/// What the runtime does after the last byte: the envelope read
/// (`KeptAnswer::finish`) and the index on a worker, then `Msg::Answered`.
fn answered(app: &mut App, run: u64, body: String) {
    let response = InvokeResponse {
        status: 200,
        elapsed: Duration::from_millis(900),
        rate_limit: RateLimit::default(),
        graphql: GraphqlEnvelope::parse(&body),
        body: body.into(),
    };
    let mut view = ResponseView::new(response);
    view.run = run;
    app.update(Msg::Answered {
        slug: "big".into(),
        view: Box::new(view),
        ran_as: Some(TokenKind::Admin),
    });
}

/// The app showing the whole answer, as after a run.
fn app_showing(body: String) -> App {
    let (mut app, run) = app_received(&body);
    answered(&mut app, run, body);
    app
}

/// A portal on loopback that answers every run with `body`.
async fn loopback_portal(body: String) -> PortalClient {
    let body = axum::body::Bytes::from(body);
    let router = axum::Router::new().route(
        "/organizations/{org}/portals/{slug}",
        axum::routing::post(move || {
            let body = body.clone();
            async move { ([("content-type", "application/json")], body) }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port");
    let base = format!("http://{}/", listener.local_addr().expect("its address"));
    tokio::spawn(async move { axum::serve(listener, router).await });
    PortalClient::new(
        base.parse().expect("a URL"),
        "demo",
        ClientOptions::default(),
    )
    .expect("a portal client")
}

/// From the request to the first frame that shows the body, through the
/// runtime's run task (`stream::invoke`); then the run is seen to its end
/// (recorded, indexed) before the next.
async fn request_to_first_screen(
    portals: &PortalClient,
    history: &bkportals::history::History,
    terminal: &mut Terminal<TestBackend>,
) -> Duration {
    let (mut app, invocation) = app_running();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let started = Instant::now();
    let run = {
        let (portals, history) = (portals.clone(), history.clone());
        let token = Some((Secret::new("bkpt_bench"), TokenKind::Admin));
        tokio::spawn(async move {
            let ran = (history, "demo".to_owned());
            bkportals::tui::stream::invoke(&portals, invocation, token, ran, &tx).await;
        })
    };
    let mut first_screen = None;
    while let Some(msg) = rx.recv().await {
        let whole = matches!(msg, Msg::Answered { .. });
        app.update(msg);
        while let Ok(msg) = rx.try_recv() {
            app.update(msg);
        }
        if first_screen.is_none() {
            terminal
                .draw(|f| bkportals::tui::view::draw(f, &app))
                .expect("draw");
            let buffer = terminal.backend().buffer();
            let text: String = buffer.content.iter().map(|c| c.symbol()).collect();
            if text.contains(FIRST_LINE) {
                first_screen = Some(started.elapsed());
            }
        }
        if whole {
            break;
        }
    }
    let _ = run.await;
    first_screen.expect("the body reached the screen")
}
fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn response_viewer(c: &mut Criterion) {
    let body = fifty_megabytes();
    let size_mb = body.len() as f64 / (1 << 20) as f64;
    let mut terminal = Terminal::new(TestBackend::new(140, 40)).expect("test backend");

    let before = peak_rss_kb();
    let app = app_showing(body.clone());
    terminal
        .draw(|f| bkportals::tui::view::draw(f, &app))
        .expect("draw");
    if let (Some(before), Some(after)) = (before, peak_rss_kb()) {
        println!(
            "{size_mb:.1} MB body: peak memory grew {:.1} MB while indexing and drawing ({:.2}x the body)",
            (after - before) as f64 / 1024.0,
            (after - before) as f64 / 1024.0 / size_mb
        );
    }
    drop(app);

    let mut group = c.benchmark_group("response viewer, 50 MB JSON");
    group.sample_size(10);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let portals = runtime.block_on(loopback_portal(body.clone()));
    let history_dir = tempfile::tempdir().expect("a temporary directory");
    let history = bkportals::history::History::new(history_dir.path());
    group.bench_function(
        "request to first screen (loopback server, client, runtime's run task)",
        |b| {
            b.iter_custom(|iterations| {
                (0..iterations)
                    .map(|_| {
                        runtime.block_on(request_to_first_screen(&portals, &history, &mut terminal))
                    })
                    .sum()
            })
        },
    );
    group.bench_function("last byte to the whole, indexed, in a frame", |b| {
        b.iter_batched(
            || (app_received(&body), body.clone()),
            |((mut app, run), body)| {
                answered(&mut app, run, body);
                terminal
                    .draw(|f| bkportals::tui::view::draw(f, &app))
                    .expect("draw");
                app
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();

    let mut app = app_showing(body);
    let mut group = c.benchmark_group("response viewer, 50 MB JSON, each step to a frame");
    let mut down = false;
    group.bench_function("scroll a page", |b| {
        b.iter(|| {
            down = !down;
            app.update(key(if down {
                KeyCode::PageDown
            } else {
                KeyCode::PageUp
            }));
            terminal
                .draw(|f| bkportals::tui::view::draw(f, &app))
                .expect("draw");
        })
    });
    app.update(key(KeyCode::Char('G')));
    app.update(key(KeyCode::Char('g')));
    app.update(key(KeyCode::Down));
    group.bench_function("fold or unfold", |b| {
        b.iter(|| {
            app.update(key(KeyCode::Enter));
            terminal
                .draw(|f| bkportals::tui::view::draw(f, &app))
                .expect("draw");
        })
    });
    drop(app);
    group.finish();
    search(c, &mut terminal);
}

/// A 50 MB log, one JSON string per line: every line of it says `passed`,
/// one in 100,000 says `flaky`, none says `zebra`. Its line count too.
fn fifty_megabyte_log() -> (String, usize) {
    let mut body = String::with_capacity(52 << 20);
    body.push_str(r#"{"data":{"job":{"log":["#);
    let mut entries = 0;
    while body.len() < 50 << 20 {
        if entries > 0 {
            body.push(',');
        }
        let note = if entries % 100_000 == 7 {
            "flaky"
        } else {
            "steady"
        };
        body.push_str(&format!(
            r#""step {entries} of deploy: tests passed on agent-{} ({note})""#,
            entries % 64
        ));
        entries += 1;
    }
    body.push_str("]}}}");
    // The frame around the entries: `{`, `"data": {`, `"job": {`, `"log": [`
    // and the four closing lines.
    (body, entries + 8)
}

/// How many lines the bottom edge of the response pane says match.
fn matches_on_screen(terminal: &Terminal<TestBackend>) -> usize {
    let buffer = terminal.backend().buffer();
    let rows = (0..buffer.area.height).map(|y| {
        (0..buffer.area.width)
            .map(|x| buffer[(x, y)].symbol())
            .collect::<String>()
    });
    let edge = rows
        .filter_map(|row| Some(row.split_once(" · ")?.1.to_owned()))
        .find(|rest| rest.contains("(n/N)"))
        .expect("the response pane's bottom edge shows the search");
    if edge.starts_with("no match") {
        return 0;
    }
    let count = edge.split_once(" of ").map(|(_, n)| n).unwrap_or(&edge);
    let digits: String = count.chars().take_while(char::is_ascii_digit).collect();
    assert!(
        !count[digits.len()..].starts_with('+'),
        "the count is done: {edge}"
    );
    digits.parse().expect("a match count")
}

/// The count goes on while the event loop has nothing else to do, a frame
/// after each slice, until every matching line is counted.
fn count_to_the_end(app: &mut App, terminal: &mut Terminal<TestBackend>) {
    while app.has_idle_work() {
        app.update(Msg::Idle);
        terminal
            .draw(|f| bkportals::tui::view::draw(f, app))
            .expect("draw");
    }
}

/// `key`, then a frame.
fn step(app: &mut App, terminal: &mut Terminal<TestBackend>, code: KeyCode) {
    app.update(key(code));
    terminal
        .draw(|f| bkportals::tui::view::draw(f, app))
        .expect("draw");
}

/// `/`, the needle and Enter, a frame after each key (the search goes on
/// as it is typed).
fn type_search(app: &mut App, terminal: &mut Terminal<TestBackend>, needle: &str) {
    step(app, terminal, KeyCode::Char('/'));
    for c in needle.chars() {
        step(app, terminal, KeyCode::Char(c));
    }
    step(app, terminal, KeyCode::Enter);
}

/// The last key of `needle` typed, to a frame: the step of typing a search
/// (each key counts the needle typed so far for a slice from the top and
/// goes to its first match). The rest of the typing is not timed.
fn last_key_typed(app: &mut App, terminal: &mut Terminal<TestBackend>, needle: &str) -> Duration {
    let (typed, last) = needle.split_at(needle.len() - 1);
    step(app, terminal, KeyCode::Char('/'));
    for c in typed.chars() {
        step(app, terminal, KeyCode::Char(c));
    }
    let last = last.chars().next().expect("a needle");
    let start = Instant::now();
    step(app, terminal, KeyCode::Char(last));
    let took = start.elapsed();
    step(app, terminal, KeyCode::Enter);
    took
}

/// Typing a search counts its lines for a slice at each key and goes to the
/// first match; the count goes on as the app idles; n/N step through the
/// lines. A needle on almost every line, one on a few, one on none.
fn search(c: &mut Criterion, terminal: &mut Terminal<TestBackend>) {
    let (body, lines) = fifty_megabyte_log();
    let mut app = app_showing(body);
    let mut group = c.benchmark_group("response viewer, 50 MB log, each step to a frame");
    for (name, needle, matching) in [
        ("almost every line", "passed", (lines - 8)..=lines),
        ("a few lines", "flaky", 1..=20),
        ("no line", "zebra", 0..=0),
    ] {
        type_search(&mut app, terminal, needle);
        count_to_the_end(&mut app, terminal);
        let found = matches_on_screen(terminal);
        assert!(
            matching.contains(&found),
            "{needle}: {found} of {lines} lines match, not {matching:?}"
        );
        println!("search `{needle}`: {found} of {lines} lines match");
        group.bench_function(format!("search typed ({name}): a key to a frame"), |b| {
            b.iter_custom(|iters| {
                (0..iters)
                    .map(|_| last_key_typed(&mut app, terminal, needle))
                    .sum()
            })
        });
        group.bench_function(format!("search typed ({name}): Enter to a frame"), |b| {
            b.iter_custom(|iters| {
                (0..iters)
                    .map(|_| {
                        step(&mut app, terminal, KeyCode::Char('/'));
                        for c in needle.chars() {
                            step(&mut app, terminal, KeyCode::Char(c));
                        }
                        let start = Instant::now();
                        step(&mut app, terminal, KeyCode::Enter);
                        start.elapsed()
                    })
                    .sum()
            })
        });
        group.bench_function(format!("search typed ({name}): to the exact count"), |b| {
            b.iter(|| {
                type_search(&mut app, terminal, needle);
                count_to_the_end(&mut app, terminal);
            })
        });
        group.bench_function(format!("search ({name}): next match"), |b| {
            b.iter(|| {
                app.update(key(KeyCode::Char('n')));
                terminal
                    .draw(|f| bkportals::tui::view::draw(f, &app))
                    .expect("draw");
            })
        });
    }
    group.finish();
}

criterion_group!(benches, response_viewer);
criterion_main!(benches);
