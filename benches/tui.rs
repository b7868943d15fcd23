//! The terminal app's speed targets (see the README's performance section):
//! launch to names on screen, a keystroke in a 2,000-line document, a filter
//! keystroke over 10,000 portals.

use std::io::Read;
use std::time::{Duration, Instant};

use bkportals::buildkite::Portal;
use bkportals::tui::app::App;
use bkportals::tui::message::{Command, Msg};
use criterion::{criterion_group, criterion_main, Criterion};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

fn portal(i: usize, query: String) -> Portal {
    Portal {
        uuid: format!("uuid-{i}"),
        slug: format!("portal-{i}"),
        organization_uuid: "org".into(),
        name: format!("Deploy service number {i}"),
        description: Some(format!("Used by team {} for releases", i % 17)),
        query,
        allowed_ip_addresses: None,
        user_invokable: i % 3 == 0,
        created_at: "2024-08-26T03:22:45.555Z".into(),
        created_by: None,
    }
}

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn big_document(lines: usize) -> String {
    let mut doc = String::from("query Big($slug: ID!) {\n  pipeline(slug: $slug) {\n");
    for i in 0..lines.saturating_sub(4) {
        doc.push_str(&format!("    field{i}: name\n"));
    }
    doc.push_str("  }\n}\n");
    doc
}

fn keystroke_in_2000_line_document(c: &mut Criterion) {
    let mut app = App::new("demo", Vec::new());
    app.update(Msg::Resize(140, 40));
    app.init();
    // With a schema, as users have it: validation is asked for on every
    // change, and typing a name looks for completions.
    let schema = bkportals::graphql::schema::GraphqlSchema::from_sdl(
        &bkportals::sandbox::schema_sdl().expect("the sandbox schema builds"),
    )
    .expect("the sandbox schema loads");
    app.update(Msg::SchemaReady {
        schema,
        fetched_at: chrono::Utc::now(),
        fetched_now: false,
    });
    app.update(Msg::PortalsPage(vec![portal(0, big_document(2000))]));
    app.update(Msg::PortalsLoaded);
    app.update(key(KeyCode::Enter)); // focus the document
    for _ in 0..1000 {
        app.update(key(KeyCode::Down)); // the middle of the document
    }
    let mut terminal = Terminal::new(TestBackend::new(140, 40)).expect("test backend");
    let mut typed = false;
    c.bench_function("editor: keystroke to frame, 2000-line document", |b| {
        b.iter(|| {
            typed = !typed;
            let commands = app.update(key(if typed {
                KeyCode::Char('x')
            } else {
                KeyCode::Backspace
            }));
            terminal
                .draw(|frame| bkportals::tui::view::draw(frame, &app))
                .expect("draw");
            // The worker answers at once (its own time is not the input
            // path's), so the next key sends the new text again, as in use.
            for command in commands {
                if let Command::Diagnose {
                    slug, generation, ..
                } = command
                {
                    app.update(Msg::Diagnosed {
                        slug,
                        generation,
                        diagnostics: Vec::new(),
                    });
                }
            }
        })
    });
}

/// A 20 MB document: opened at once (its parse runs on the worker) and
/// moved around freely; it is changed in `$EDITOR`, since the text area would
/// redo its whole screen map on every change.
fn moving_in_20_mb_document(c: &mut Criterion) {
    let mut document = String::from("query Big($slug: ID!) {\n  pipeline(slug: $slug) {\n");
    while document.len() < 20 * 1024 * 1024 {
        document.push_str("    name # padding padding padding padding padding padding\n");
    }
    document.push_str("  }\n}\n");
    let mut app = App::new("demo", Vec::new());
    app.update(Msg::Resize(140, 40));
    app.init();
    app.update(Msg::PortalsPage(vec![portal(0, document)]));
    app.update(Msg::PortalsLoaded);
    app.update(key(KeyCode::Enter));
    let mut terminal = Terminal::new(TestBackend::new(140, 40)).expect("test backend");
    let mut down = false;
    let mut group = c.benchmark_group("editor");
    group.sample_size(20);
    group.bench_function("cursor move to frame, 20 MB document", |b| {
        b.iter(|| {
            down = !down;
            app.update(key(if down {
                KeyCode::PageDown
            } else {
                KeyCode::PageUp
            }));
            terminal
                .draw(|frame| bkportals::tui::view::draw(frame, &app))
                .expect("draw");
        })
    });
    group.finish();
}

fn filter_keystroke_over_10000_portals(c: &mut Criterion) {
    let mut app = App::new("demo", Vec::new());
    app.update(Msg::Resize(140, 40));
    app.init();
    let portals = (0..10_000).map(|i| portal(i, "query Q { viewer { user { name } } }".into()));
    app.update(Msg::PortalsPage(portals.collect()));
    app.update(Msg::PortalsLoaded);
    app.update(key(KeyCode::Char('/')));
    app.update(key(KeyCode::Char('d')));
    let mut terminal = Terminal::new(TestBackend::new(140, 40)).expect("test backend");
    let mut typed = false;
    c.bench_function("list: filter keystroke to frame, 10000 portals", |b| {
        b.iter(|| {
            typed = !typed;
            app.update(key(if typed {
                KeyCode::Char('e')
            } else {
                KeyCode::Backspace
            }));
            terminal
                .draw(|frame| bkportals::tui::view::draw(frame, &app))
                .expect("draw");
        })
    });
}

/// Process start to the first portal names on a real (pseudo-)terminal
/// screen, against a sandbox holding 1,000 portals. Also reports the idle
/// resident memory of the app once the list has loaded.
fn launch_to_names_on_screen(c: &mut Criterion) {
    use portable_pty::{native_pty_system, CommandBuilder, PtySize};

    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    let sandbox = runtime.block_on(async {
        bkportals::sandbox::start(bkportals::sandbox::SandboxOptions {
            extra_portals: 1_000 - 4,
            org_rate_limit: 1_000_000,
            user_rate_limit: 1_000_000,
            ..Default::default()
        })
        .await
        .expect("sandbox starts")
    });
    let home = tempfile::tempdir().expect("temp dir");
    let launch = || {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: 40,
                cols: 140,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("pty");
        let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_bkportals"));
        command.env("TERM", "xterm-256color");
        command.env("BUILDKITE_REST_API_ENDPOINT", sandbox.rest_endpoint());
        command.env("BUILDKITE_PORTAL_ENDPOINT", sandbox.portal_endpoint());
        command.env("BUILDKITE_ORGANIZATION_SLUG", &sandbox.org_slug);
        command.env("BUILDKITE_API_TOKEN", &sandbox.api_token);
        command.env("BKPORTALS_TOKEN_STORE", "file");
        command.env("XDG_CONFIG_HOME", home.path().join("config"));
        command.env("XDG_DATA_HOME", home.path().join("data"));
        let started = Instant::now();
        let child = pty.slave.spawn_command(command).expect("spawn");
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().expect("reader");
        let mut parser = vt100::Parser::new(40, 140, 0);
        let mut buffer = [0u8; 16384];
        loop {
            let n = reader.read(&mut buffer).expect("read");
            parser.process(&buffer[..n]);
            if parser.screen().contents().contains("Trigger main build") {
                break;
            }
        }
        (started.elapsed(), child, pty.master, reader)
    };

    let (_, mut child, _master, mut reader) = launch();
    std::thread::spawn(move || {
        let mut sink = [0u8; 4096];
        while matches!(reader.read(&mut sink), Ok(n) if n > 0) {}
    });
    std::thread::sleep(Duration::from_millis(1500));
    if let Some(pid) = child.process_id() {
        if let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status")) {
            if let Some(rss) = status.lines().find(|l| l.starts_with("VmRSS")) {
                println!(
                    "idle app, 1000 portals listed: {}",
                    rss.split_whitespace().skip(1).collect::<Vec<_>>().join(" ")
                );
            }
        }
    }
    let _ = child.kill();

    let mut group = c.benchmark_group("launch");
    group.sample_size(20);
    group.bench_function("process start to names on screen, 1000 portals", |b| {
        b.iter_custom(|iterations| {
            let mut total = Duration::ZERO;
            for _ in 0..iterations {
                let (elapsed, mut child, _master, _reader) = launch();
                total += elapsed;
                let _ = child.kill();
                let _ = child.wait();
            }
            total
        })
    });
    group.finish();
}

criterion_group!(
    benches,
    keystroke_in_2000_line_document,
    moving_in_20_mb_document,
    filter_keystroke_over_10000_portals,
    launch_to_names_on_screen
);
criterion_main!(benches);
