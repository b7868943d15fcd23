//! The response viewer on a 50 MB JSON body: from the last byte to a
//! pretty-printed, highlighted, scrollable frame; then a scroll step and a
//! fold, each to a new frame. Peak memory is printed. Then searches in a
//! 50 MB log: a needle on almost every line, on a few, on none.

use std::time::Duration;

use bkportals::buildkite::invoke::GraphqlEnvelope;
use bkportals::buildkite::Portal;
use bkportals::buildkite::{InvokeResponse, RateLimit};
use bkportals::tui::app::App;
use bkportals::tui::message::Msg;
use bkportals::tui::run::ResponseView;
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

fn response(body: String) -> InvokeResponse {
    InvokeResponse {
        status: 200,
        elapsed: Duration::from_millis(900),
        rate_limit: RateLimit::default(),
        graphql: GraphqlEnvelope::parse(&body),
        body: body.into(),
    }
}

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// The app as a run of the selected portal answers: the runtime indexes the
/// answer on a worker (`ResponseView::new`) and sends `Msg::Answered`.
fn app_showing(body: String) -> App {
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
    app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('r'),
        KeyModifiers::CONTROL,
    )));
    app.update(Msg::Answered {
        slug: "big".into(),
        view: Box::new(ResponseView::new(response(body))),
        ran_as: None,
    });
    app
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
    group.bench_function("last byte to first frame", |b| {
        b.iter_batched(
            || body.clone(),
            |body| {
                let app = app_showing(body);
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
    digits.parse().expect("a match count")
}

/// `/`, the needle and Enter, then a frame.
fn type_search(app: &mut App, terminal: &mut Terminal<TestBackend>, needle: &str) {
    app.update(key(KeyCode::Char('/')));
    for c in needle.chars() {
        app.update(key(KeyCode::Char(c)));
    }
    app.update(key(KeyCode::Enter));
    terminal
        .draw(|f| bkportals::tui::view::draw(f, app))
        .expect("draw");
}

/// Typing a search scans the body once; n/N then step through the lines
/// found. A needle on almost every line, one on a few, one on none.
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
        let found = matches_on_screen(terminal);
        assert!(
            matching.contains(&found),
            "{needle}: {found} of {lines} lines match, not {matching:?}"
        );
        println!("search `{needle}`: {found} of {lines} lines match");
        group.bench_function(format!("search typed ({name}): scan to a frame"), |b| {
            b.iter(|| type_search(&mut app, terminal, needle))
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
