//! A 1 MiB paste into each kind of input, to the next frame (target: at most
//! 100 ms each, see the README's performance section). The paste arrives as
//! a terminal sends it: lines separated by CR.

use bkportals::buildkite::Portal;
use bkportals::tui::app::App;
use bkportals::tui::message::Msg;
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

const VARIABLES: &str = "query Builds($pipelineSlug: ID!, $first: Int) {\n  pipeline(slug: $pipelineSlug) { name }\n}\n";

fn portal() -> Portal {
    Portal {
        uuid: "uuid-0".into(),
        slug: "recent-builds".into(),
        organization_uuid: "org".into(),
        name: "Recent builds".into(),
        description: None,
        query: VARIABLES.into(),
        allowed_ip_addresses: None,
        user_invokable: false,
        created_at: "2024-08-26T03:22:45.555Z".into(),
        created_by: None,
    }
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn ctrl(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
}

/// The app with one portal listed, then `keys` pressed to reach an input.
fn app_at(keys: &[KeyEvent]) -> App {
    let mut app = App::new("demo", Vec::new());
    app.update(Msg::Resize(140, 40));
    app.init();
    app.update(Msg::PortalsPage(vec![portal()]));
    app.update(Msg::PortalsLoaded);
    for key in keys {
        app.update(Msg::Key(*key));
    }
    app
}

fn pasted() -> String {
    let line = "    field: name # padding\r";
    line.repeat((1 << 20) / line.len())
}

fn paste_to_frame(c: &mut Criterion) {
    let text = pasted();
    let tab = || key(KeyCode::Tab);
    let inputs: [(&str, Vec<KeyEvent>); 6] = [
        ("document editor", vec![key(KeyCode::Enter)]),
        ("create form: name", vec![key(KeyCode::Char('n'))]),
        (
            "create form: document",
            vec![key(KeyCode::Char('n')), tab(), tab(), tab(), tab(), tab()],
        ),
        (
            "fields form: description",
            vec![key(KeyCode::Char('f')), tab(), tab()],
        ),
        ("variables form", vec![ctrl('r')]),
        ("delete dialog", vec![key(KeyCode::Char('d'))]),
    ];
    let mut group = c.benchmark_group("paste 1 MiB to frame");
    group.sample_size(10);
    for (name, keys) in inputs {
        group.bench_function(name, |b| {
            assert_paste_lands(name, &keys, &text);
            b.iter_batched(
                || {
                    let terminal = Terminal::new(TestBackend::new(140, 40)).expect("test backend");
                    (app_at(&keys), terminal, Msg::Paste(text.clone()))
                },
                |(mut app, mut terminal, paste)| {
                    app.update(paste);
                    terminal
                        .draw(|frame| bkportals::tui::view::draw(frame, &app))
                        .expect("draw");
                    (app, terminal)
                },
                BatchSize::PerIteration,
            )
        });
    }
    group.finish();
}

/// The keys reach the input: the pasted text is on screen after the paste.
fn assert_paste_lands(name: &str, keys: &[KeyEvent], text: &str) {
    let mut app = app_at(keys);
    let mut terminal = Terminal::new(TestBackend::new(140, 40)).expect("test backend");
    app.update(Msg::Paste(text.to_owned()));
    terminal
        .draw(|frame| bkportals::tui::view::draw(frame, &app))
        .expect("draw");
    let screen: String = terminal
        .backend()
        .buffer()
        .content
        .iter()
        .map(|cell| cell.symbol())
        .collect();
    assert!(
        screen.contains("field: name"),
        "{name}: the paste is not on screen:\n{screen}"
    );
}

criterion_group!(benches, paste_to_frame);
criterion_main!(benches);
