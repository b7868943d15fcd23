//! The document pane's marks and the completion list's place, as drawn.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::Color;
use ratatui::Terminal;

use super::draw;
use super::tests::{ctrl, loaded, press, render, type_text, with_schema};
use crate::tui::app::App;
use crate::tui::message::Msg;

fn buffer(app: &App) -> Buffer {
    let mut terminal =
        Terminal::new(TestBackend::new(app.screen.width, app.screen.height)).unwrap();
    terminal.draw(|frame| draw(frame, app)).unwrap();
    terminal.backend().buffer().clone()
}

/// The cells of screen row `y` whose background is `bg`, as text.
fn cells_with_bg(buffer: &Buffer, y: u16, bg: Color) -> String {
    (0..buffer.area.width)
        .map(|x| &buffer[(x, y)])
        .filter(|cell| cell.bg == bg)
        .map(|cell| cell.symbol())
        .collect()
}

/// The screen row where `text` is drawn first.
fn row_of(buffer: &Buffer, text: &str) -> Option<u16> {
    (0..buffer.area.height).find(|&y| {
        let row: String = (0..buffer.area.width)
            .map(|x| buffer[(x, y)].symbol())
            .collect();
        row.contains(text)
    })
}

#[test]
fn the_selection_and_find_matches_are_marked_in_their_colours() {
    let mut app = loaded(100, 26);
    press(&mut app, KeyCode::Enter);
    for _ in 0.."query".len() {
        app.update(Msg::Key(KeyEvent::new(KeyCode::Right, KeyModifiers::SHIFT)));
    }
    let screen = buffer(&app);
    let first_line = row_of(&screen, "1 │ query").expect("line 1 on screen");
    assert_eq!(cells_with_bg(&screen, first_line, Color::Blue), "query");

    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Enter);
    ctrl(&mut app, 'g');
    type_text(&mut app, "pipeline");
    let screen = buffer(&app);
    let line = row_of(&screen, "2 │   pipeline").expect("line 2 on screen");
    assert_eq!(
        cells_with_bg(&screen, line, Color::Yellow),
        "pipelinepipeline",
        "both matches on the line: the field and the `$pipelineSlug` in it"
    );
    insta::assert_snapshot!("find_typing", render(&app));
}

/// Opens the completion list on a new line at the end of the document.
fn completing_at_the_bottom(width: u16, height: u16) -> App {
    let mut app = loaded(width, height);
    with_schema(&mut app);
    press(&mut app, KeyCode::Enter);
    for _ in 0..2 {
        press(&mut app, KeyCode::Down);
    }
    press(&mut app, KeyCode::End);
    type_text(&mut app, "\nb");
    assert!(app.completion.is_some(), "the list is open");
    app
}

#[test]
fn the_completion_list_stays_inside_the_document_at_80x24_and_140_columns() {
    for (width, height) in [(80, 24), (140, 40)] {
        let app = completing_at_the_bottom(width, height);
        let document = app.areas().document;
        let screen = buffer(&app);
        let top = row_of(&screen, "Tab insert").expect("the list is drawn");
        let bottom = row_of(&screen, "BuildConnection").expect("its row") + 1;
        assert!(
            top > document.y && bottom < document.y + document.height - 1,
            "{width}x{height}: rows {top}..={bottom} inside the document's {document:?}"
        );
        // The whole description shows when there is room for it.
        assert!(
            row_of(&screen, "Newest first").is_some(),
            "{width}x{height}"
        );
        insta::assert_snapshot!(format!("completion_{width}x{height}"), render(&app));
    }
}

#[test]
fn a_description_the_completion_list_has_no_room_for_is_cut_with_an_ellipsis() {
    let app = completing_at_the_bottom(48, 24);
    let shown = render(&app);
    let row = shown
        .lines()
        .find(|line| line.contains("BuildConnection"))
        .unwrap_or_else(|| panic!("its row:\n{shown}"));
    assert!(row.contains("…│"), "{row}\n{shown}");
    assert!(!row.contains("Newest first"), "{row}");
}

/// The foreground of the first cell of `text` where it is first drawn.
fn fg_of(buffer: &Buffer, text: &str) -> Option<Color> {
    (0..buffer.area.height).find_map(|y| {
        let symbols: Vec<&str> = (0..buffer.area.width)
            .map(|x| buffer[(x, y)].symbol())
            .collect();
        let row: String = symbols.concat();
        let byte = row.find(text)?;
        // Cells hold one char each here (the document is ASCII).
        let x = row[..byte].chars().count() as u16;
        Some(buffer[(x, y)].fg)
    })
}

#[test]
fn operation_field_argument_and_type_names_have_colours_of_their_own() {
    let mut app = loaded(100, 26);
    press(&mut app, KeyCode::Enter);
    let screen = buffer(&app);
    let colour = |text: &str| fg_of(&screen, text).unwrap_or_else(|| panic!("{text} drawn"));
    let operation = colour("GetBuilds(");
    let variable = colour("$pipelineSlug:");
    let type_name = colour("ID!");
    let field = colour("pipeline(slug");
    let argument = colour("slug: $");
    let keyword = colour("query GetBuilds");
    let all = [operation, variable, type_name, field, argument, keyword];
    for (i, a) in all.iter().enumerate() {
        for b in &all[i + 1..] {
            assert_ne!(a, b, "each kind of name has its own colour: {all:?}");
        }
    }
    assert_eq!(keyword, Color::Magenta);
}

#[test]
fn the_list_cuts_slugs_with_an_ellipsis_marks_filter_matches_and_explains_its_markers() {
    let mut app = loaded(80, 24);
    let screen = render(&app);
    assert!(screen.contains("Deploy web  dep…"), "{screen}");
    assert!(
        screen.contains("Recent bu…  rec…"),
        "a long name leaves its slug a few columns, cut, not dropped:\n{screen}"
    );
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "rb");
    let screen = buffer(&app);
    let row = row_of(&screen, "UT Recent bu").expect("the match is listed");
    let marked: String = (0..screen.area.width)
        .map(|x| &screen[(x, row)])
        .filter(|cell| cell.fg == Color::LightYellow)
        .map(|cell| cell.symbol())
        .collect();
    assert_eq!(
        marked, "Rbr",
        "the letters the filter matched, in the name and what shows of the slug"
    );
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::F(1));
    press(&mut app, KeyCode::End); // the legend is below the keys
    let help = render(&app);
    assert!(
        help.contains("U user-invokable · T token stored · ● unsaved"),
        "{help}"
    );
}

#[test]
fn an_unclosed_brace_is_underlined_where_it_opens_and_nowhere_else() {
    let mut app = loaded(100, 26);
    press(&mut app, KeyCode::Enter);
    // Line 4 is `  }`, closing `pipeline {`: take it away.
    for _ in 0..3 {
        press(&mut app, KeyCode::Down);
    }
    press(&mut app, KeyCode::End);
    press(&mut app, KeyCode::Backspace);
    let screen = buffer(&app);
    let text = render(&app);
    assert!(
        text.contains("✗ 2:33 this `{` is never closed"),
        "one error, at the `{{` of line 2:\n{text}"
    );
    assert!(!text.contains("end of the document"), "no cascade:\n{text}");
    let underlined: Vec<(u16, u16, String)> = (0..screen.area.height)
        .flat_map(|y| (0..screen.area.width).map(move |x| (x, y)))
        .filter(|&(x, y)| {
            let cell = &screen[(x, y)];
            cell.modifier.contains(ratatui::style::Modifier::UNDERLINED)
                && cell.underline_color == Color::Red
        })
        .map(|(x, y)| (x, y, screen[(x, y)].symbol().to_owned()))
        .collect();
    let line_two = row_of(&screen, "2 │   pipeline(slug").expect("line 2 on screen");
    assert_eq!(
        underlined
            .iter()
            .map(|(_, y, s)| (*y, s.as_str()))
            .collect::<Vec<_>>(),
        [(line_two, "{")],
        "only the `{{` that never closes is underlined in red"
    );
}

#[test]
fn an_emptied_document_says_so_without_a_stray_end_of_line_mark() {
    let mut app = loaded(100, 26);
    press(&mut app, KeyCode::Enter);
    ctrl(&mut app, 'a');
    press(&mut app, KeyCode::Backspace);
    let screen = render(&app);
    let line_one = screen
        .lines()
        .find(|row| row.contains("1 │"))
        .expect("line 1 on screen");
    assert!(!line_one.contains('◂'), "nothing to point at:\n{screen}");
    assert!(
        screen.contains("✗ 1:1 the document is empty: a portal needs at least one operation"),
        "{screen}"
    );
    assert!(!screen.contains("<EOF>"), "{screen}");
}

#[test]
fn find_counts_the_match_at_the_cursor_and_esc_closes_it_before_leaving() {
    let mut app = loaded(110, 26);
    press(&mut app, KeyCode::Enter);
    ctrl(&mut app, 'g');
    type_text(&mut app, "pipeline");
    assert!(
        render(&app).contains("find: pipeline▏ · 1 of 3"),
        "{}",
        render(&app)
    );
    press(&mut app, KeyCode::Enter); // kept
    press(&mut app, KeyCode::F(3));
    assert!(
        render(&app).contains("find: pipeline · 2 of 3"),
        "{}",
        render(&app)
    );
    press(&mut app, KeyCode::F(3));
    press(&mut app, KeyCode::F(3));
    let shown = render(&app);
    assert!(shown.contains("find: pipeline · 1 of 3"), "{shown}");
    assert!(shown.contains("Found again from the top."), "{shown}");

    press(&mut app, KeyCode::Esc);
    let shown = render(&app);
    assert_eq!(
        app.focus,
        crate::tui::app::Focus::Document,
        "still in the document"
    );
    assert!(!shown.contains("find: pipeline"), "{shown}");
    assert!(
        !shown.contains("Found again"),
        "its status goes with it:\n{shown}"
    );
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.focus, crate::tui::app::Focus::List, "then Esc leaves");
}

#[test]
fn the_find_border_separates_its_keys_and_its_news_goes_however_it_closes() {
    let mut app = loaded(110, 26);
    press(&mut app, KeyCode::Enter);
    ctrl(&mut app, 'g');
    type_text(&mut app, "pipeline");
    let shown = render(&app);
    assert!(
        shown.contains("find: pipeline▏ · 1 of 3 · Enter keep · Esc close"),
        "{shown}"
    );
    press(&mut app, KeyCode::Enter);
    for _ in 0..3 {
        press(&mut app, KeyCode::F(3));
    }
    let shown = render(&app);
    assert!(shown.contains("find: pipeline · 1 of 3"), "{shown}");
    assert!(shown.contains("Found again from the top."), "{shown}");

    // Reopened, emptied and kept with Enter: the find closes, and so does its news.
    ctrl(&mut app, 'g');
    press(&mut app, KeyCode::Backspace);
    press(&mut app, KeyCode::Enter);
    let shown = render(&app);
    assert!(!shown.contains("find: "), "{shown}");
    assert!(!shown.contains("Found again"), "{shown}");
}

/// `{{` typed at the start of a document: one syntax error listed and
/// counted, the first, as graphql-js reports it (it was a screenful of its
/// cascade: 21 on the demo's recent-builds).
#[test]
fn braces_typed_at_a_documents_start_list_only_the_first_syntax_error() {
    let mut app = loaded(120, 36);
    press(&mut app, KeyCode::Enter); // the document, the cursor at its start
    type_text(&mut app, "{{");
    let edit = app.selected_edit().expect("an edit");
    assert_eq!(edit.diagnostics.len(), 1, "{:?}", edit.diagnostics);
    let screen = render(&app);
    assert!(
        screen.contains("✗ 1 syntax error ─"),
        "the border counts one"
    );
    let listed: Vec<&str> = screen.lines().filter(|row| row.contains("│✗ ")).collect();
    assert_eq!(listed.len(), 1, "one error row:\n{screen}");
    assert!(
        listed[0].contains("│✗ 1:1 this `{` is never closed"),
        "{}",
        listed[0]
    );
    assert!(!screen.contains("more)"), "no `(+N more)`:\n{screen}");
    let buffer = buffer(&app);
    let y = row_of(&buffer, "✗ 1:").expect("the error row");
    let x = (0..buffer.area.width)
        .find(|&x| buffer[(x, y)].symbol() == "✗")
        .expect("its mark");
    assert_eq!(
        buffer[(x, y)].fg,
        super::error_style().fg.unwrap_or_default()
    );
    insta::assert_snapshot!("first_syntax_error_only", screen);
}

#[test]
fn what_the_filter_matched_in_a_description_is_marked_in_the_fields_pane() {
    let mut app = loaded(120, 30);
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "about");
    let screen = buffer(&app);
    let y = row_of(&screen, "Description  About").expect("the description on screen");
    let marked: String = (0..screen.area.width)
        .map(|x| &screen[(x, y)])
        .filter(|cell| cell.fg == Color::LightYellow)
        .map(|cell| cell.symbol())
        .collect();
    assert_eq!(marked, "About", "{}", render(&app));
}
