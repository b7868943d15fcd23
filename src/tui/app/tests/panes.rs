//! The variables form and the response viewer as a user meets them.

use super::*;

fn shift_tab(app: &mut App) {
    app.update(Msg::Key(KeyEvent::new(
        KeyCode::BackTab,
        KeyModifiers::SHIFT,
    )));
}

#[test]
fn the_chosen_operation_stays_chosen_while_the_document_changes() {
    let mut app = loaded();
    press(&mut app, KeyCode::Down); // recent-builds: GetBuilds, then Trigger
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::F(6)); // the variables form (Tab indents the document)
    press(&mut app, KeyCode::Right);
    let form = app.variables.as_ref().expect("a form");
    assert_eq!(form.operation_name(), Some("Trigger"));
    press(&mut app, KeyCode::Down);
    type_text(&mut app, "build-1");
    shift_tab(&mut app); // back to the document, and type in it
    assert_eq!(app.focus, Focus::Document);
    type_text(&mut app, "# a comment");
    press(&mut app, KeyCode::Enter);
    let form = app.variables.as_ref().expect("a form");
    assert_eq!(
        form.operation_name(),
        Some("Trigger"),
        "the picker kept its choice (it used to go back to 1/2)"
    );
    assert_eq!(form.op_index, 1);
    assert_eq!(form.inputs[0].value(), "build-1", "and the value typed");
    assert_eq!(form.row, 1, "and the focused row");
}

#[test]
fn a_letter_typed_on_the_operation_picker_says_which_keys_it_takes() {
    let mut app = loaded();
    press(&mut app, KeyCode::Down); // recent-builds: GetBuilds, then Trigger
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::F(6)); // the variables form, on its picker
    assert!(app.variables.as_ref().expect("a form").on_picker());
    type_text(&mut app, "t");
    assert_eq!(app.status, crate::tui::keymap::PICKER_KEYS);
    assert!(app.status.contains("←/→"), "{}", app.status);
    let form = app.variables.as_ref().expect("a form");
    assert_eq!(
        form.operation_name(),
        Some("GetBuilds"),
        "nothing chosen by it"
    );
    assert!(
        form.inputs.iter().all(|i| !i.value().contains('t')),
        "nothing typed"
    );
    // The keys it names do what it says.
    press(&mut app, KeyCode::Right);
    let form = app.variables.as_ref().expect("a form");
    assert_eq!(form.operation_name(), Some("Trigger"));
    press(&mut app, KeyCode::Down);
    type_text(&mut app, "b");
    let form = app.variables.as_ref().expect("a form");
    assert_eq!(
        form.inputs[0].value(),
        "b",
        "off the picker a letter is typed"
    );
}

fn long_list(count: usize) -> String {
    let items: Vec<String> = (0..count).map(|i| format!("{{\"n\":{i}}}")).collect();
    format!("[{}]", items.join(","))
}

fn wheel(app: &mut App, kind: crossterm::event::MouseEventKind) {
    let area = app.areas().response;
    app.update(Msg::Mouse(crossterm::event::MouseEvent {
        kind,
        column: area.x + 2,
        row: area.y + 2,
        modifiers: KeyModifiers::NONE,
    }));
}

#[test]
fn the_mouse_wheel_scrolls_the_answer_at_once() {
    use crossterm::event::MouseEventKind;
    let mut app = loaded();
    app.update(Msg::Resize(120, 40));
    answered(&mut app, &long_list(200));
    wheel(&mut app, MouseEventKind::ScrollDown);
    let view = &app.selected_answer().expect("an answer").view;
    assert_eq!(view.scroll, 3, "the first notch moves the view");
    assert_eq!(view.cursor, 3, "the cursor stays on screen, at its top");
    wheel(&mut app, MouseEventKind::ScrollUp);
    let view = &app.selected_answer().expect("an answer").view;
    assert_eq!(view.scroll, 0);
    assert_eq!(view.cursor, 3, "a cursor on screen is left where it is");
}

#[test]
fn search_steps_wrap_around_and_say_so() {
    let mut app = loaded();
    answered(&mut app, r#"{"a":"web","b":"x","c":"WEB"}"#);
    type_text(&mut app, "/web");
    press(&mut app, KeyCode::Enter);
    let view = &app.selected_answer().expect("an answer").view;
    assert_eq!(view.cursor, 1);
    assert_eq!(view.match_position(), Some((1, 2)), "1 of 2, either case");
    press(&mut app, KeyCode::Char('n'));
    let view = &app.selected_answer().expect("an answer").view;
    assert_eq!((view.cursor, view.match_position()), (3, Some((2, 2))));
    press(&mut app, KeyCode::Char('n'));
    assert_eq!(app.selected_answer().expect("an answer").view.cursor, 1);
    assert!(app.status.contains("wrapped"), "{}", app.status);
    type_text(&mut app, "/WEB");
    press(&mut app, KeyCode::Enter);
    let view = &app.selected_answer().expect("an answer").view;
    assert_eq!(
        view.match_position(),
        Some((1, 1)),
        "capitals search exactly"
    );
}

/// What the response pane's bottom edge says of the search: "k of N".
fn search_edge(app: &App) -> String {
    search_edge_of(app, "passed")
}

fn search_edge_of(app: &App, needle: &str) -> String {
    let backend = ratatui::backend::TestBackend::new(app.screen.width, app.screen.height);
    let mut terminal = ratatui::Terminal::new(backend).expect("a test terminal");
    terminal
        .draw(|frame| crate::tui::view::draw(frame, app))
        .expect("drawn");
    let screen = terminal.backend().to_string();
    screen
        .lines()
        .find_map(|row| {
            let (_, rest) = row.split_once(&format!("/{needle} · "))?;
            Some(rest.split_once(" (n/N)")?.0.to_owned())
        })
        .unwrap_or_else(|| panic!("no search on the edge:\n{screen}"))
}

#[test]
fn a_search_on_many_lines_says_it_is_still_counting_until_the_idle_app_has_counted_all() {
    let mut app = loaded();
    app.update(Msg::Resize(120, 40));
    let entries: Vec<String> = (0..60_000)
        .map(|i| format!("\"step {i} of deploy: tests passed\""))
        .collect();
    answered(&mut app, &format!("[{}]", entries.join(",")));
    let view = &mut app.answers.get_mut("deploy-web").expect("an answer").view;
    view.count_slice = std::time::Duration::ZERO; // a slice is one chunk
    type_text(&mut app, "/passed");
    press(&mut app, KeyCode::Enter);
    let view = &app.selected_answer().expect("an answer").view;
    let counted = view.matches.found().len();
    assert!(counted > 1 && counted < 60_000, "{counted}");
    assert_eq!(view.cursor, 1, "the first match, at once");
    assert_eq!(search_edge(&app), format!("1 of {counted}+"));
    assert!(app.has_idle_work());

    press(&mut app, KeyCode::Char('N'));
    let view = &app.selected_answer().expect("an answer").view;
    assert_eq!(view.cursor, 60_000, "the last entry, past what is counted");
    assert!(app.status.contains("wrapped"), "{}", app.status);
    assert_eq!(search_edge(&app), format!("{counted}+ lines match"));

    while app.has_idle_work() {
        app.update(Msg::Idle);
    }
    assert_eq!(search_edge(&app), "60000 of 60000");
    press(&mut app, KeyCode::Char('n'));
    assert_eq!(search_edge(&app), "1 of 60000", "wraps to the top");
}

/// A search whose first slice meets no match goes to the first one the idle
/// count meets, or says there is none once it has counted all: typing it
/// never waits for a scan of the whole answer.
#[test]
fn a_search_found_only_far_down_is_gone_to_as_the_idle_app_counts() {
    let mut app = answered_with_flaky_far_down();
    for (needle, found) in [("flaky", Some(59_001)), ("zebra", None)] {
        type_text(&mut app, &format!("/{needle}"));
        press(&mut app, KeyCode::Enter);
        let view = &app.selected_answer().expect("an answer").view;
        assert!(!view.matches.is_complete(), "{needle}: one slice counted");
        assert!(
            !app.status.contains("is not in the response"),
            "not said before it is known: {}",
            app.status
        );
        while app.has_idle_work() {
            app.update(Msg::Idle);
        }
        let view = &app.selected_answer().expect("an answer").view;
        match found {
            Some(line) => {
                assert_eq!(view.cursor, line, "{needle}: gone to");
                assert_eq!(search_edge_of(&app, needle), "1 of 1");
            }
            None => assert!(
                app.status.contains("`zebra` is not in the response"),
                "{}",
                app.status
            ),
        }
    }
}

/// A 60,000-entry answer (`passed` on every entry but line 59,001, which
/// says `flaky`), counted a chunk a slice, in a 120x40 app.
pub(super) fn answered_with_flaky_far_down() -> App {
    let mut app = loaded();
    app.update(Msg::Resize(120, 40));
    let entries: Vec<String> = (0..60_000)
        .map(|i| match i {
            59_000 => "\"step 59000: flaky\"".to_owned(),
            i => format!("\"step {i} of deploy: tests passed\""),
        })
        .collect();
    answered(&mut app, &format!("[{}]", entries.join(",")));
    let view = &mut app.answers.get_mut("deploy-web").expect("an answer").view;
    view.count_slice = std::time::Duration::ZERO; // a slice is one chunk
    app
}

#[test]
fn f8_zooms_whichever_pane_has_the_focus_and_gives_it_back() {
    let mut app = loaded();
    app.update(Msg::Resize(140, 40));
    press(&mut app, KeyCode::Down);
    for focus in [
        Focus::List,
        Focus::Document,
        Focus::Variables,
        Focus::Response,
    ] {
        while app.focus != focus {
            press(&mut app, KeyCode::F(6)); // Tab would indent the document
        }
        press(&mut app, KeyCode::F(8));
        let areas = app.areas();
        let zoomed = match focus {
            Focus::List => areas.list,
            Focus::Document => areas.document,
            Focus::Variables => areas.variables,
            Focus::Response => areas.response,
        };
        assert_eq!(
            (zoomed.width, zoomed.height),
            (140, 40 - areas.footer.height),
            "{focus:?} has the screen"
        );
        assert_eq!(areas.fields.width, 0, "the others are out of sight");
        press(&mut app, KeyCode::F(8));
        assert!(app.areas().list.width > 0, "and back");
    }
}

#[test]
fn at_80_by_24_every_pane_gets_room() {
    let mut app = loaded();
    app.update(Msg::Resize(80, 24));
    press(&mut app, KeyCode::Down);
    for focus in [
        Focus::List,
        Focus::Document,
        Focus::Variables,
        Focus::Response,
    ] {
        while app.focus != focus {
            press(&mut app, KeyCode::F(6)); // Tab would indent the document
        }
        let areas = app.areas();
        let pane = match focus {
            Focus::List => areas.list,
            Focus::Document => areas.document,
            Focus::Variables => areas.variables,
            Focus::Response => areas.response,
        };
        assert!(pane.height >= 14, "{focus:?} is {} rows tall", pane.height);
        assert!(pane.width >= 24, "{focus:?} is {} columns wide", pane.width);
    }
}

fn copied(commands: &[Command]) -> Option<&str> {
    commands.iter().find_map(|c| match c {
        Command::Copy(text) => Some(text.as_str()),
        _ => None,
    })
}

#[test]
fn y_copies_the_value_under_the_cursor_and_p_its_path() {
    let mut app = loaded();
    answered(
        &mut app,
        r#"{"data":{"builds":[{"url":"https://buildkite.com/demo/web/builds/1"}]}}"#,
    );
    type_text(&mut app, "/url");
    press(&mut app, KeyCode::Enter);
    let value = press(&mut app, KeyCode::Char('y'));
    assert_eq!(
        copied(&value),
        Some("https://buildkite.com/demo/web/builds/1")
    );
    let path = press(&mut app, KeyCode::Char('p'));
    assert_eq!(copied(&path), Some(".data.builds[0].url"));
}

#[test]
fn y_and_p_say_what_they_copied_but_never_the_value() {
    let mut app = loaded();
    let secret = "bkua_0123456789abcdef0123456789abcdef01234567";
    answered(
        &mut app,
        &format!(r#"{{"data":{{"viewer":{{"token":"{secret}"}}}}}}"#),
    );
    type_text(&mut app, "/token");
    press(&mut app, KeyCode::Enter);
    let value = press(&mut app, KeyCode::Char('y'));
    assert_eq!(copied(&value), Some(secret), "the value itself is copied");
    app.update(Msg::Copied("Copied to the system clipboard.".into()));
    assert_eq!(
        app.status,
        format!(
            "Copied the value of .data.viewer.token ({} bytes) to the system clipboard.",
            secret.len()
        )
    );
    assert!(
        app.messages.iter().all(|m| !m.contains(secret)),
        "nor logged"
    );
    press(&mut app, KeyCode::Char('p'));
    app.update(Msg::Copied(
        "Could not copy: no system clipboard and the terminal could not be written.".into(),
    ));
    assert_eq!(
        app.status,
        "Could not copy the path .data.viewer.token: no system clipboard and the terminal could not be written."
    );
    // `c` copies the whole body, and says so with its size.
    let body = press(&mut app, KeyCode::Char('c'));
    let size = copied(&body).map(str::len).unwrap_or_default();
    app.update(Msg::Copied("Copied to the system clipboard.".into()));
    assert_eq!(
        app.status,
        format!("Copied the answer's body ({size} bytes) to the system clipboard.")
    );
    assert!(!app.status.contains(secret));
}

#[test]
fn on_a_jq_filters_result_p_copies_a_jq_path_and_c_says_it_copied_the_result() {
    let mut app = loaded();
    answered(&mut app, r#"{"data":{"builds":[{"n":1},{"n":2}]}}"#);
    press(&mut app, KeyCode::Char('|'));
    type_text(&mut app, ".data.builds");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Down);
    let path = press(&mut app, KeyCode::Char('p'));
    assert_eq!(copied(&path), Some(".[0]"), "a path jq takes, not `[0]`");
    app.update(Msg::Copied("Copied to the system clipboard.".into()));
    assert_eq!(
        app.status, "Copied the path .[0] in the jq filter's result to the system clipboard.",
        "the path is within what the pane shows, and the status says so"
    );

    let result = press(&mut app, KeyCode::Char('c'));
    let text = copied(&result).unwrap_or_default().to_owned();
    assert!(text.starts_with('[') && !text.contains("data"), "{text}");
    app.update(Msg::Copied(
        "Copied through the terminal (OSC 52); no system clipboard here, so this works only if your terminal accepts OSC 52.".into(),
    ));
    assert_eq!(
        app.status,
        format!(
            "Copied the jq filter's result ({} bytes) through the terminal (OSC 52); no system clipboard here, so this works only if your terminal accepts OSC 52.",
            text.len()
        )
    );
}

#[test]
fn saving_asks_before_replacing_a_file() {
    let mut app = loaded();
    answered(&mut app, r#"{"a":1}"#);
    press(&mut app, KeyCode::Char('s'));
    let here = std::env::current_dir().expect("a working directory");
    let offered = here.join("response.json").display().to_string();
    match app.dialogs.front() {
        Some(Dialog::SaveResponse(dialog)) => assert_eq!(
            dialog.path.value(),
            offered,
            "the file offered by its absolute path"
        ),
        other => panic!("expected the save dialog, got {other:?}"),
    }
    let commands = press(&mut app, KeyCode::Enter);
    match commands.as_slice() {
        [Command::WriteFile {
            path, overwrite, ..
        }] => assert_eq!((path.as_str(), *overwrite), (offered.as_str(), false)),
        other => panic!("expected a write, got {other:?}"),
    }
    // The runtime found the file there: the dialog asks, Enter replaces.
    app.update(Msg::SaveWouldOverwrite("/home/me/response.json".into()));
    assert!(matches!(app.dialogs.front(), Some(Dialog::SaveResponse(_))));
    let commands = press(&mut app, KeyCode::Enter);
    match commands.as_slice() {
        [Command::WriteFile {
            path, overwrite, ..
        }] => assert_eq!(
            (path.as_str(), *overwrite),
            ("/home/me/response.json", true)
        ),
        other => panic!("expected the replacing write, got {other:?}"),
    }
    // Asked again, a changed name is a new file, not a replacement.
    app.update(Msg::SaveWouldOverwrite("/home/me/response.json".into()));
    press(&mut app, KeyCode::Backspace);
    let commands = press(&mut app, KeyCode::Enter);
    assert!(
        matches!(
            commands.as_slice(),
            [Command::WriteFile {
                overwrite: false,
                ..
            }]
        ),
        "{commands:?}"
    );
}

#[test]
fn a_jq_filter_shows_its_result_in_the_pane_and_an_empty_one_the_answer() {
    let mut app = loaded();
    let body = r#"{"data":{"builds":[{"n":1,"state":"PASSED"},{"n":2,"state":"FAILED"}]}}"#;
    answered(&mut app, body);
    press(&mut app, KeyCode::Char('|'));
    type_text(&mut app, r#".data.builds[] | select(.state == "FAILED")"#);
    press(&mut app, KeyCode::Enter);
    let view = &app.selected_answer().expect("an answer").view;
    let shown: Vec<String> = (0..view.body.line_count())
        .map(|i| view.body.line_text(i))
        .collect();
    assert_eq!(shown, ["{", "  \"n\": 2,", "  \"state\": \"FAILED\"", "}"]);
    press(&mut app, KeyCode::Char('|'));
    type_text(&mut app, " | nope(");
    press(&mut app, KeyCode::Enter);
    assert!(app.status.starts_with("Not filtered:"), "{}", app.status);
    assert!(
        app.status.contains(
            r#"the view is still filtered with `.data.builds[] | select(.state == "FAILED")`"#
        ),
        "{}",
        app.status
    );
    let view = &app.selected_answer().expect("an answer").view;
    assert_eq!(view.body.line_count(), 4, "the last result stays");
    press(&mut app, KeyCode::Char('|'));
    let offered = app
        .selected_answer()
        .expect("an answer")
        .view
        .filtering
        .as_ref();
    assert_eq!(
        offered.map(|input| input.value()),
        Some(r#".data.builds[] | select(.state == "FAILED") | nope("#),
        "the filter that did not parse, to fix"
    );
    ctrl(&mut app, 'u');
    press(&mut app, KeyCode::Enter);
    let view = &app.selected_answer().expect("an answer").view;
    assert!(view.filter.is_none());
    assert_eq!(view.body.raw(), body, "the whole answer again");
}

#[test]
fn the_rest_of_the_last_list_joins_its_first_screen_unless_the_fresh_list_came_first() {
    let mut app = App::new("demo", Vec::new());
    app.init();
    app.show_cached_list(vec![portal("old-one", "Old one", None, WHO)]);
    app.update(Msg::CachedListRest(vec![portal(
        "old-two", "Old two", None, WHO,
    )]));
    let slugs: Vec<&str> = app.list.portals.iter().map(|p| p.slug.as_str()).collect();
    assert_eq!(slugs, ["old-one", "old-two"], "the whole cached list");
    assert!(app.list.stale, "the fresh listing still replaces it");
    app.update(Msg::PortalsPage(vec![portal("fresh", "Fresh", None, WHO)]));
    app.update(Msg::PortalsLoaded);
    app.update(Msg::CachedListRest(vec![portal("late", "Late", None, WHO)]));
    let slugs: Vec<&str> = app.list.portals.iter().map(|p| p.slug.as_str()).collect();
    assert_eq!(slugs, ["fresh"], "no cached portal joins a fresh list");
}

fn shown_slugs(app: &App) -> Vec<&str> {
    app.list
        .visible
        .iter()
        .map(|&i| app.list.portals[i].slug.as_str())
        .collect()
}

#[test]
fn the_last_list_stays_whole_until_the_fresh_listing_has_ended() {
    let mut app = App::new("demo", Vec::new());
    assert_eq!(names(&app.init()), ["load", "load-schema"]);
    app.show_cached_list(vec![
        portal("old-one", "Old one", None, WHO),
        portal("deploy-web", "Deploy web", None, WHO),
        portal("deploy-api", "Deploy api", None, WHO),
    ]);
    assert_eq!(app.list.portals.len(), 3, "names at once");
    assert!(app.status.contains("refreshing"), "{}", app.status);
    assert!(app.busy(), "the listing is still under way");
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "deploy");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Down);
    let chosen = app.selected_slug().expect("a portal chosen");
    // The first fresh page; the next waits out a rate limit meanwhile.
    app.update(Msg::PortalsPage(vec![portal(
        "deploy-web",
        "Deploy web",
        None,
        WHO,
    )]));
    assert_eq!(app.list.portals.len(), 3, "no cached portal vanishes");
    assert_eq!(shown_slugs(&app).len(), 2, "the filter still applies");
    assert_eq!(app.selected_slug().as_deref(), Some(chosen.as_str()));
    assert!(app.status.contains("refreshing"), "{}", app.status);
    app.update(Msg::PortalsPage(vec![
        portal("deploy-api", "Deploy api", None, WHO),
        portal("deploy-new", "Deploy new", None, WHO),
    ]));
    let commands = app.update(Msg::PortalsLoaded);
    let slugs: Vec<&str> = app.list.portals.iter().map(|p| p.slug.as_str()).collect();
    assert_eq!(
        slugs,
        ["deploy-web", "deploy-api", "deploy-new"],
        "the fresh list replaced the cached one"
    );
    assert_eq!(shown_slugs(&app).len(), 3, "filtered as before");
    assert_eq!(app.selected_slug().as_deref(), Some(chosen.as_str()));
    assert!(app.status.contains("3 portals"), "{}", app.status);
    assert!(
        matches!(commands.as_slice(), [Command::CacheList(list)] if list.len() == 3),
        "the fresh list is kept for the next launch: {commands:?}"
    );
}

#[test]
fn a_refresh_that_fails_keeps_the_last_list_and_says_so() {
    let mut app = App::new("demo", Vec::new());
    app.init();
    app.show_cached_list(vec![
        portal("old-one", "Old one", None, WHO),
        portal("old-two", "Old two", None, WHO),
    ]);
    app.update(Msg::PortalsPage(vec![portal(
        "old-one", "Old one", None, WHO,
    )]));
    app.update(Msg::LoadFailed("HTTP 503".into()));
    assert_eq!(app.list.portals.len(), 2, "the cached list stays");
    assert!(
        app.status.contains(
            "Could not refresh the portals: HTTP 503; the list shown is the last session's"
        ),
        "{}",
        app.status
    );
    assert!(!app.busy());
}

#[test]
fn a_jq_filter_whose_result_is_null_or_a_number_shows_it_as_json() {
    let mut app = loaded();
    answered(&mut app, r#"{"data":{"n":3}}"#);
    for (filter, result) in [(".data.missing", "null"), (".data.n", "3")] {
        press(&mut app, KeyCode::Char('|'));
        ctrl(&mut app, 'u');
        type_text(&mut app, filter);
        press(&mut app, KeyCode::Enter);
        let view = &app.selected_answer().expect("an answer").view;
        assert!(view.body.is_json(), "{filter}");
        assert_eq!(view.body.line_text(0), result);
        let shown = super::history::screen(&app);
        assert!(!shown.contains("Not JSON"), "{filter}: {shown}");
        assert!(shown.contains(&format!("│ {result} ")), "{filter}: {shown}");
    }
}

#[test]
fn s_offers_the_path_the_last_save_of_the_session_used() {
    let mut app = loaded();
    answered(&mut app, r#"{"a":1}"#);
    press(&mut app, KeyCode::Char('s'));
    ctrl(&mut app, 'u');
    type_text(&mut app, "/tmp/bkportals-answers/builds.json");
    let commands = press(&mut app, KeyCode::Enter);
    assert!(
        matches!(commands.as_slice(), [Command::WriteFile { path, .. }] if path == "/tmp/bkportals-answers/builds.json"),
        "{commands:?}"
    );
    app.update(Msg::Status(
        "Saved the response, pretty-printed, to /tmp/bkportals-answers/builds.json.".into(),
    ));
    press(&mut app, KeyCode::Char('s'));
    match app.dialogs.front() {
        Some(Dialog::SaveResponse(dialog)) => assert_eq!(
            dialog.path.value(),
            "/tmp/bkportals-answers/builds.json",
            "the last path used, not response.json again"
        ),
        other => panic!("expected the save dialog, got {other:?}"),
    }
    let shown = super::history::screen(&app);
    assert!(
        shown.contains("/tmp/bkportals-answers/builds.json"),
        "{shown}"
    );
}

#[test]
fn what_a_search_said_goes_once_a_search_finds() {
    let mut app = loaded();
    app.update(Msg::Resize(120, 40));
    answered(&mut app, r#"{"data": {"branch": "main"}}"#);
    type_text(&mut app, "/zzz");
    press(&mut app, KeyCode::Enter);
    assert!(
        app.status.contains("`zzz` is not in the response"),
        "{}",
        app.status
    );
    press(&mut app, KeyCode::Char('n'));
    assert!(
        app.status.contains("No match: search with /"),
        "{}",
        app.status
    );
    type_text(&mut app, "/main");
    press(&mut app, KeyCode::Enter);
    assert!(!app.status.contains("No match"), "{}", app.status);
    assert!(
        !app.status.contains("not in the response"),
        "{}",
        app.status
    );
}

#[test]
fn the_list_filter_closed_with_esc_or_ctrl_c_comes_back_with_its_text_and_ctrl_u_clears_it() {
    let mut app = loaded();
    for close in [KeyCode::Esc, KeyCode::Char('c')] {
        press(&mut app, KeyCode::Char('/'));
        type_text(&mut app, "deploy");
        assert_eq!(app.list.visible.len(), 1, "filtered");
        if close == KeyCode::Esc {
            press(&mut app, close);
        } else {
            ctrl(&mut app, 'c');
        }
        assert!(!app.quit, "Ctrl-c closes the filter, not the app");
        assert!(app.list.filter.is_empty(), "closed, the whole list");
        assert_eq!(app.list.visible.len(), app.list.portals.len());
        press(&mut app, KeyCode::Char('/'));
        assert_eq!(app.list.filter, "deploy", "offered again");
        assert_eq!(app.list.visible.len(), 1);
        ctrl(&mut app, 'u');
        assert!(app.list.filter.is_empty(), "Ctrl-u clears it");
        assert_eq!(app.list.visible.len(), app.list.portals.len());
        press(&mut app, KeyCode::Esc);
    }
}
