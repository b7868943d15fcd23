//! A paste of any bytes into every kind of input: a one-line input, the
//! document editor's text area, and a field of the variables form. Each gets
//! exactly the normalized text at its cursor, nothing a terminal would act on,
//! and undo takes the document back.
#![no_main]

use bkportals::buildkite::Portal;
use bkportals::tui::editor::PortalEdit;
use bkportals::tui::input::{multi_line_paste, one_line_paste, LineInput};
use bkportals::tui::run::{FormSource, Remembered, VariablesForm};
use libfuzzer_sys::fuzz_target;

const DOCUMENT: &str = "query Q($name: String, $count: Int, $ids: [ID!]) {\n  a\n}\n";

fn shows_only_text(c: char) -> bool {
    !bkportals::text::is_unsafe(c) || c == '\t' || c == '\n'
}

fn one_line(where_: u8, pasted: &str) {
    let before = "héllo wörld";
    let at = usize::from(where_) % (before.chars().count() + 1);
    let mut input = LineInput::new(before);
    for _ in at..before.chars().count() {
        input.key(crossterm_left());
    }
    input.paste(pasted);
    let flat = one_line_paste(pasted);
    let split = before
        .char_indices()
        .nth(at)
        .map_or(before.len(), |(i, _)| i);
    let expected = format!("{}{flat}{}", &before[..split], &before[split..]);
    assert_eq!(input.value(), expected);
    assert_eq!(input.cursor(), at + flat.chars().count());
    assert!(input
        .value()
        .chars()
        .all(|c| !bkportals::text::is_unsafe(c)));
    assert!(!input.value().contains(['\u{2028}', '\u{2029}']));
}

fn crossterm_left() -> crossterm::event::KeyEvent {
    crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Left,
        crossterm::event::KeyModifiers::NONE,
    )
}

fn document(pasted: &str) {
    let portal = Portal {
        uuid: "u".into(),
        slug: "p".into(),
        organization_uuid: "o".into(),
        name: "P".into(),
        description: None,
        query: DOCUMENT.into(),
        allowed_ip_addresses: None,
        user_invokable: false,
        created_at: "2024-01-01T00:00:00.000Z".into(),
        created_by: None,
    };
    let mut edit = PortalEdit::new(&portal);
    edit.paste(pasted);
    let lines = multi_line_paste(pasted);
    assert_eq!(edit.text(), format!("{lines}{DOCUMENT}"));
    assert!(edit.text().chars().all(shows_only_text));
    let rows = lines.matches('\n').count();
    let column = lines.rsplit('\n').next().map_or(0, |l| l.chars().count());
    assert_eq!(
        edit.cursor(),
        (rows, column),
        "the cursor ends after the paste"
    );
    edit.undo();
    assert_eq!(edit.text(), DOCUMENT, "undo takes the paste back");
}

fn variables(which: u8, pasted: &str) {
    let mut form = VariablesForm::new(
        "p",
        DOCUMENT,
        FormSource::Server(DOCUMENT.into()),
        &Remembered::new(),
        None,
    );
    let i = usize::from(which) % form.inputs.len();
    form.inputs[i].paste(pasted);
    assert_eq!(form.inputs[i].value(), one_line_paste(pasted));
    let mut remembered = Remembered::new();
    form.remember(&mut remembered);
    // Typed or refused with a message per row; never a panic.
    if let Err(bad) = form.values() {
        assert!(bad >= 1 && form.errors.iter().flatten().count() == bad);
    }
}

fuzz_target!(|data: &[u8]| {
    let (choice, bytes) = data.split_first().unwrap_or((&0, data));
    // A paste arrives as text: whatever the bytes, as the terminal decodes them.
    let pasted = String::from_utf8_lossy(bytes);
    one_line(*choice, &pasted);
    document(&pasted);
    variables(*choice, &pasted);
});
