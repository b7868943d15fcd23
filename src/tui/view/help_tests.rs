//! The help overlay at the two sizes people use: nothing cut, and every
//! key reachable by scrolling.

use crossterm::event::KeyCode;

use super::tests::{loaded, press, render};
use crate::tui::app::App;
use crate::tui::keymap::{self, Context};
use crate::tui::message::Msg;

/// The words of the help's body as drawn, top to bottom (only inside its
/// box, whatever the panes behind it show).
fn words(screen: &str) -> Vec<String> {
    let rows: Vec<Vec<char>> = screen.lines().map(|r| r.chars().collect()).collect();
    let Some((top, title)) = rows
        .iter()
        .enumerate()
        .find(|(_, r)| r.iter().collect::<String>().contains("╭ Keys"))
    else {
        return Vec::new();
    };
    let left = title.iter().position(|&c| c == '╭').unwrap_or(0);
    let right = title.iter().rposition(|&c| c == '╮').unwrap_or(title.len());
    rows[top + 1..]
        .iter()
        .take_while(|r| r.get(left) == Some(&'│'))
        .flat_map(|r| {
            r[left + 1..right.min(r.len())]
                .iter()
                .collect::<String>()
                .split_whitespace()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// `sentence`'s words appear in this order in `words` (a description
/// wrapped onto lines of its own, whichever column it is in).
fn reads_whole(words: &[String], sentence: &str) -> bool {
    let mut at = words.iter();
    sentence
        .split_whitespace()
        .all(|word| at.any(|drawn| drawn == word))
}

/// Something in the help's box ends in `…` (the schema's note aside,
/// whose `loading…` is its own).
fn cut_in(app: &App, screen: &str) -> bool {
    let note: Vec<&str> = app.schema_note.split_whitespace().collect();
    words(screen)
        .iter()
        .any(|w| w.contains('…') && !note.contains(&w.as_str()))
}

/// The help's screens from its top to its end, scrolling a page at a time
/// (one screen when it fits: then a key would close it).
fn every_page(app: &mut App) -> Vec<String> {
    let mut pages = vec![render(app)];
    let (total, rows) = super::help_extent(app);
    if total <= rows {
        return pages;
    }
    for _ in 0..10 {
        press(app, KeyCode::PageDown);
        let page = render(app);
        if pages.last() == Some(&page) {
            break;
        }
        pages.push(page);
    }
    pages
}

fn help_in_document(width: u16, height: u16) -> App {
    let mut app = loaded(width, height);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::F(1));
    assert!(app.show_help);
    app
}

#[test]
fn at_80_by_24_the_help_wraps_descriptions_and_scrolls_to_the_last_key() {
    let mut app = help_in_document(80, 24);
    let first = render(&app);
    insta::assert_snapshot!("help_document_80x24_top", first);
    assert!(
        first.contains("1–") && first.contains("scroll"),
        "it says it scrolls:\n{first}"
    );
    let pages = every_page(&mut app);
    assert!(pages.len() > 1, "taller than the screen");
    let all: Vec<String> = pages.iter().flat_map(|p| words(p)).collect();
    assert!(
        pages.iter().all(|p| !cut_in(&app, p)),
        "nothing is cut:\n{}",
        pages.join("\n")
    );
    for binding in keymap::bindings(Context::Document)
        .iter()
        .chain(keymap::GLOBAL)
    {
        assert!(
            reads_whole(&all, &binding.help_for("Buildkite")),
            "`{}` reads whole: {}",
            binding.label,
            binding.help
        );
    }
    press(&mut app, KeyCode::End);
    let end = render(&app);
    insta::assert_snapshot!("help_document_80x24_end", end);
    assert!(
        end.contains("Ctrl-c") && end.contains("quit (asks when work is unsaved)"),
        "End reaches the last key:\n{end}"
    );
    press(&mut app, KeyCode::Home);
    assert_eq!(render(&app), first, "Home goes back to the top");
    press(&mut app, KeyCode::Down);
    assert_ne!(render(&app), first, "Down moves a line");
    press(&mut app, KeyCode::Up);
    assert_eq!(render(&app), first);
    press(&mut app, KeyCode::Char('x'));
    assert!(!app.show_help, "another key closes it");
}

#[test]
fn at_140_by_40_the_help_uses_the_width_in_two_columns() {
    let mut app = help_in_document(140, 40);
    let screen = render(&app);
    insta::assert_snapshot!("help_document_140x40", screen);
    let popup = screen
        .lines()
        .find(|row| row.contains("Keys · document"))
        .expect("the help's title");
    assert!(
        popup.chars().count() >= 130,
        "wider than 60 columns:\n{popup}"
    );
    assert!(!cut_in(&app, &screen), "nothing is cut:\n{screen}");
    let long = "select (or drag with the mouse; a click moves the cursor)";
    assert!(reads_whole(&words(&screen), long), "{screen}");
    let pages = every_page(&mut app);
    let last = pages.last().expect("a page");
    assert!(
        last.contains("quit (asks when work is unsaved)"),
        "the last key is on screen or a scroll away:\n{last}"
    );
}

#[test]
fn the_list_help_explains_the_marks_at_80_columns() {
    let mut app = loaded(80, 24);
    press(&mut app, KeyCode::Char('?'));
    let pages = every_page(&mut app);
    let all: Vec<String> = pages.iter().flat_map(|p| words(p)).collect();
    assert!(reads_whole(
        &all,
        "! risky (what bkportals audit warns about or fails): a mutation open to any address, or a document that does not parse or validate against the schema; the selected portal's fields say which"
    ));
    assert!(reads_whole(&all, "review drafts of an earlier session"));
}

#[test]
fn the_mouse_wheel_scrolls_the_help_not_the_panes_under_it() {
    use crossterm::event::{KeyModifiers, MouseEvent, MouseEventKind};
    let mut app = help_in_document(80, 24);
    let top = render(&app);
    let wheel = |kind| {
        Msg::Mouse(MouseEvent {
            kind,
            column: 40,
            row: 12,
            modifiers: KeyModifiers::NONE,
        })
    };
    app.update(wheel(MouseEventKind::ScrollDown));
    let scrolled = render(&app);
    assert!(scrolled.contains("4–"), "three lines down:\n{scrolled}");
    app.update(wheel(MouseEventKind::ScrollUp));
    assert_eq!(render(&app), top);
    assert!(app.show_help);
}

#[test]
fn a_help_that_fits_closes_on_any_key_as_it_says_and_one_that_scrolls_says_which_keys_do() {
    let mut app = loaded(140, 40);
    press(&mut app, KeyCode::F(1));
    let screen = render(&app);
    assert!(screen.contains("any key closes this"), "{screen}");
    press(&mut app, KeyCode::Down);
    assert!(!app.show_help, "↓ closed it, as the help says");
    press(&mut app, KeyCode::F(1));
    press(&mut app, KeyCode::End);
    assert!(!app.show_help, "End too");

    let mut app = help_in_document(80, 24);
    let screen = render(&app);
    assert!(
        screen.contains("↑/↓ PgUp/PgDn Home/End scroll · other keys close"),
        "{screen}"
    );
    press(&mut app, KeyCode::End);
    assert!(app.show_help, "End scrolled it, as the help says");
    press(&mut app, KeyCode::Char('x'));
    assert!(!app.show_help, "another key closed it");
}

#[test]
fn at_80_by_24_every_panes_help_reads_whole_up_to_its_last_character() {
    use crate::tui::app::Focus;
    let mut app = loaded(80, 24);
    press(&mut app, KeyCode::Enter);
    for focus in [
        Focus::Variables,
        Focus::Response,
        Focus::List,
        Focus::Document,
    ] {
        // F6 moves pane by pane until this one.
        for _ in 0..4 {
            if app.focus == focus {
                break;
            }
            press(&mut app, KeyCode::F(6));
        }
        assert_eq!(app.focus, focus);
        press(&mut app, KeyCode::F(1));
        let pages = every_page(&mut app);
        let all: Vec<String> = pages.iter().flat_map(|p| words(p)).collect();
        for binding in keymap::bindings(app.focus.context())
            .iter()
            .chain(keymap::GLOBAL)
        {
            assert!(
                reads_whole(&all, &binding.help_for("Buildkite")),
                "{focus:?}: `{}` reads whole, its last character too: {}\n{}",
                binding.label,
                binding.help,
                pages.join("\n")
            );
        }
        press(&mut app, KeyCode::Esc);
        assert!(!app.show_help);
    }
}
