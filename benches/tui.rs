//! The terminal app's speed targets (see the README's performance section):
//! launch to names on screen and to the whole list, idle memory, a keystroke
//! in a 2,000-line document, a filter keystroke over 10,000 portals.

use std::ffi::OsString;
use std::io::{Read, Write};
use std::time::{Duration, Instant};

use bkportals::buildkite::Portal;
use bkportals::tui::app::App;
use bkportals::tui::message::{Command, Msg};
use criterion::{criterion_group, criterion_main, Criterion};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

#[path = "../tests/common/mod.rs"]
mod common;
#[path = "../tests/home/mod.rs"]
mod home;
mod isolated;

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

/// The app in a pseudo-terminal of 140x40, its screen kept by a vt100
/// parser. The bench's own thread reads the pty (poll, then read): a reader
/// thread's hand-over would add its wake-ups to every chunk, which a program
/// that writes one frame pays more often than one that prints one line.
struct AppOnPty {
    child: Box<dyn portable_pty::Child + Send + Sync>,
    master: Box<dyn portable_pty::MasterPty + Send>,
    output: Box<dyn Read + Send>,
    keys: Box<dyn Write + Send>,
    screen: vt100::Parser,
}

impl AppOnPty {
    /// Starts the app with exactly `environment` (and TERM); the instant of
    /// the start comes back with it.
    fn launch(environment: &[(String, OsString)]) -> (AppOnPty, Instant) {
        AppOnPty::launch_program(common::BIN, &[], environment)
    }

    /// Starts `program` with `args` the same way (the floor of `launch`).
    fn launch_program(
        program: &str,
        args: &[&str],
        environment: &[(String, OsString)],
    ) -> (AppOnPty, Instant) {
        use portable_pty::{native_pty_system, CommandBuilder, PtySize};
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: 40,
                cols: 140,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("pty");
        let mut command = CommandBuilder::new(program);
        command.args(args);
        command.env_clear();
        command.env("TERM", "xterm-256color");
        for (name, value) in environment {
            command.env(name, value);
        }
        let output = pty.master.try_clone_reader().expect("reader");
        let keys = pty.master.take_writer().expect("writer");
        let started = Instant::now();
        let child = pty.slave.spawn_command(command).expect("spawn");
        drop(pty.slave);
        let app = AppOnPty {
            child,
            master: pty.master,
            output,
            keys,
            screen: vt100::Parser::new(40, 140, 0),
        };
        (app, started)
    }

    /// Reads the screen until `shows` holds for it (panics after a minute,
    /// with the screen), and returns the instant the bytes that made it hold
    /// arrived: the parsing and the check are the bench's, not the app's.
    fn wait_for(&mut self, what: &str, shows: impl Fn(&str) -> bool) -> Instant {
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut arrived = Instant::now();
        let mut buffer = [0u8; 65536];
        loop {
            if shows(&self.screen.screen().contents()) {
                return arrived;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            let n = if self.readable_within(left) {
                self.output.read(&mut buffer).unwrap_or(0)
            } else {
                0
            };
            if n == 0 {
                panic!(
                    "the app never showed {what}; its screen:\n{}",
                    self.screen.screen().contents()
                );
            }
            arrived = Instant::now();
            self.screen.process(&buffer[..n]);
        }
    }

    /// Whether the pty has output to read before `time` passes.
    fn readable_within(&self, time: Duration) -> bool {
        let fd = self.master.as_raw_fd().expect("the pty's descriptor");
        let mut poll = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        let milliseconds = time.as_millis().min(i32::MAX as u128) as i32;
        // SAFETY: one valid pollfd, its count 1; poll writes only its revents.
        unsafe { libc::poll(&mut poll, 1, milliseconds) > 0 }
    }

    fn press(&mut self, bytes: &[u8]) {
        self.keys.write_all(bytes).expect("key to the app");
        self.keys.flush().expect("key to the app");
    }

    /// The app's resident memory now, from /proc, as "14336 kB".
    fn resident_memory(&self) -> String {
        let pid = self.child.process_id().expect("the app's pid");
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc status");
        let line = status.lines().find(|l| l.starts_with("VmRSS:"));
        let value = line
            .expect("VmRSS in /proc status")
            .split_whitespace()
            .skip(1);
        value.collect::<Vec<_>>().join(" ")
    }
}

impl Drop for AppOnPty {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Untimed, between two launches: the app just ended (SIGHUP, as a closed
/// terminal sends) may have left requests the sandbox is still answering, and
/// a person starts the app on a machine that is not busy with the last one.
fn settle() {
    std::thread::sleep(Duration::from_millis(100));
}

/// Keys as an xterm sends them.
const F1: &[u8] = b"\x1bOP";
const END: &[u8] = b"\x1b[F";
const ESC: &[u8] = b"\x1b";
/// The help's title over the portal list.
const HELP_TITLE: &str = "Keys · portal list";

/// The first seeded portal's name: the list is on screen.
const FIRST_NAME: &str = "Trigger main build";

/// What the status line says once every page is in.
fn all_listed(organization: &str) -> String {
    format!("1000 portals in {organization}")
}

/// Against a sandbox process holding 1,000 portals, from a private home:
/// the idle app's resident memory once all are listed and Buildkite's
/// published schema (served by the sandbox's GraphQL endpoint) is loaded;
/// then process start to the first names on screen (the last session's
/// list, from the cache that first run left) and to all 1,000 listed.
fn launch_to_names_on_screen(c: &mut Criterion) {
    let home = isolated::Home::new();
    let sandbox = isolated::sandbox(&home, 1_000);
    let environment = isolated::environment(&home, &sandbox);
    let listed = all_listed(isolated::organization(&sandbox));

    let (mut app, _) = AppOnPty::launch(&environment);
    app.wait_for("all 1000 portals listed", |screen| screen.contains(&listed));
    // F1's help names the schema's state, at its end; the app says nothing
    // of a schema loaded at start elsewhere.
    app.press(F1);
    app.wait_for("the help (F1)", |screen| screen.contains(HELP_TITLE));
    if app.screen.screen().contents().contains("Home/End scroll") {
        app.press(END);
    }
    let help = app.wait_for("the schema's state in the help (F1)", |screen| {
        screen.contains("Schema fetched")
            || screen.contains("Schema cached")
            || screen.contains("no GraphQL schema")
    });
    let screen = app.screen.screen().contents();
    assert!(
        !screen.contains("no GraphQL schema"),
        "idle memory is measured with the schema loaded, and it did not load:\n{screen}"
    );
    app.press(ESC);
    app.wait_for("the help closed", |screen| !screen.contains(HELP_TITLE));
    // The schema is in; whatever it started (revalidation) settles first.
    std::thread::sleep(Duration::from_millis(500).saturating_sub(help.elapsed()));
    println!(
        "idle app, 1000 portals listed, published schema loaded: {}",
        app.resident_memory()
    );
    drop(app);

    let mut group = c.benchmark_group("launch");
    // Each launch is followed by an untimed settle(): a second of timed
    // launches (hundreds) keeps the bench to about a minute a row.
    group.sample_size(20);
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(1));
    let mut time_to = |name: &str, what: &str, shows: &dyn Fn(&str) -> bool| {
        group.bench_function(name, |b| {
            b.iter_custom(|iterations| {
                let mut total = Duration::ZERO;
                for _ in 0..iterations {
                    let (mut app, started) = AppOnPty::launch(&environment);
                    total += app.wait_for(what, shows) - started;
                    drop(app);
                    settle();
                }
                total
            })
        });
    };
    time_to(
        "process start to names on screen, 1000 portals (the cached list)",
        "the first portal names",
        &|screen| screen.contains(FIRST_NAME),
    );
    time_to(
        "process start to all 1000 portals listed",
        "all 1000 portals listed",
        &|screen| screen.contains(&listed),
    );
    // The floor the launch target is set against: a process that prints one
    // line, started and read the same way.
    group.bench_function("process start to one printed line (echo)", |b| {
        b.iter_custom(|iterations| {
            let mut total = Duration::ZERO;
            for _ in 0..iterations {
                let (mut echo, started) =
                    AppOnPty::launch_program("echo", &["one line"], &environment);
                total += echo.wait_for("the line", |screen| screen.contains("one line")) - started;
                drop(echo);
                settle();
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
