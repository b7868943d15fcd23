//! Browsing, saving, creating, deleting and drafts.

use super::*;

#[test]
fn pages_stream_into_the_list() {
    let app = loaded();
    assert_eq!(app.list.visible.len(), 3);
    assert_eq!(app.loading, Loading::Idle);
    assert_eq!(app.status, "3 portals in demo");
}

#[test]
fn typing_a_filter_narrows_by_name_slug_or_description() {
    let mut app = loaded();
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "pipeline");
    assert_eq!(app.list.visible.len(), 1, "only a description matches");
    assert_eq!(app.selected_portal().unwrap().slug, "recent-builds");
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.list.visible.len(), 3, "Esc clears the filter");
    assert_eq!(
        app.selected_portal().unwrap().slug,
        "recent-builds",
        "and keeps the selection"
    );
}

#[test]
fn arrows_move_the_selection_and_stop_at_the_ends() {
    let mut app = loaded();
    press(&mut app, KeyCode::Up);
    assert_eq!(app.list.selected, 0);
    for _ in 0..5 {
        press(&mut app, KeyCode::Down);
    }
    assert_eq!(app.selected_portal().unwrap().slug, "who-am-i");
}

#[test]
fn reload_keeps_the_selected_portal() {
    let mut app = loaded();
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Char('r'));
    app.update(Msg::PortalsPage(vec![portal(
        "deploy-web",
        "Deploy web",
        None,
        WHO,
    )]));
    app.update(Msg::PortalsPage(vec![portal(
        "recent-builds",
        "Recent builds",
        None,
        BUILDS,
    )]));
    app.update(Msg::PortalsLoaded);
    assert_eq!(app.selected_portal().unwrap().slug, "recent-builds");
}

#[test]
fn reload_asks_for_portals_again_and_failures_keep_the_list() {
    let mut app = loaded();
    assert_eq!(names(&press(&mut app, KeyCode::Char('r'))), ["load"]);
    assert_eq!(app.list.portals.len(), 3, "the list stays while reloading");
    app.update(Msg::LoadFailed("could not reach 127.0.0.1".into()));
    assert!(app.status.contains("could not reach"));
    assert_eq!(
        app.list.visible.len(),
        3,
        "a failed reload keeps what was there"
    );
    assert!(!app.quit);
    press(&mut app, KeyCode::Char('r'));
    app.update(Msg::PortalsPage(vec![portal("only", "Only", None, WHO)]));
    app.update(Msg::PortalsLoaded);
    assert_eq!(app.list.visible.len(), 1, "fresh pages replace the list");
}

#[test]
fn save_sends_only_the_changed_document() {
    let mut app = loaded();
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.focus, Focus::Document);
    press(&mut app, KeyCode::End);
    type_text(&mut app, " # note");
    assert!(app.is_dirty("deploy-web"));
    let commands = ctrl(&mut app, 's');
    let (slug, changes) = sent_changes(&mut app, commands);
    assert_eq!(slug, "deploy-web");
    assert_eq!(
        changes.query.as_deref(),
        Some("query Me { viewer { user { name } } } # note")
    );
    assert!(changes.name.is_none() && changes.description.is_none());
    let mut saved = app.list.portals[0].clone();
    saved.query = "query Me { viewer { user { name } } } # note".into();
    app.update(Msg::Saved {
        slug: "deploy-web".into(),
        result: Ok(saved),
    });
    assert!(!app.is_dirty("deploy-web"));
    assert_eq!(app.status, "Saved deploy-web.");
}

#[test]
fn a_document_that_does_not_parse_needs_a_second_yes() {
    let mut app = loaded();
    press(&mut app, KeyCode::Enter);
    type_text(&mut app, "{{");
    assert!(ctrl(&mut app, 's').is_empty());
    assert!(is_confirm(&app, |k| matches!(k, ConfirmKind::Save { .. })));
    assert!(press(&mut app, KeyCode::Char('n')).is_empty());
    assert!(app.dialogs.is_empty());
    assert!(app.is_dirty("deploy-web"), "nothing typed is lost");
    ctrl(&mut app, 's');
    assert_eq!(
        names(&press(&mut app, KeyCode::Char('y'))),
        ["fetch-for-save"]
    );
}

#[test]
fn the_servers_422_lands_next_to_its_field() {
    let mut app = loaded();
    press(&mut app, KeyCode::Char('f'));
    ctrl(&mut app, 'u');
    type_text(&mut app, "Who am I");
    assert!(names(&ctrl(&mut app, 's')).contains(&"fetch-for-save"));
    app.update(Msg::Saved {
        slug: "deploy-web".into(),
        result: Err(ApiError::Validation {
            message: "Validation failed: Name has already been taken".into(),
            server: None,
        }),
    });
    let edit = app.selected_edit().unwrap();
    assert_eq!(edit.server_error.as_ref().unwrap().0, Some(Field::Name));
    assert_eq!(edit.fields.name, "Who am I", "the typed name is kept");
    assert!(app.status.starts_with("Not saved"));
}

#[test]
fn switching_portals_keeps_unsaved_edits() {
    let mut app = loaded();
    press(&mut app, KeyCode::Enter);
    type_text(&mut app, "# keep me\n");
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Up);
    assert!(app.selected_document().unwrap().starts_with("# keep me"));
}

#[test]
fn quitting_with_unsaved_changes_asks_first() {
    let mut app = loaded();
    press(&mut app, KeyCode::Enter);
    type_text(&mut app, "#");
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('q'));
    assert!(!app.quit);
    assert!(is_confirm(&app, |k| matches!(
        k,
        ConfirmKind::Quit { unsaved, .. } if unsaved == &["deploy-web"]
    )));
    press(&mut app, KeyCode::Char('y'));
    assert!(app.quit);
}

#[test]
fn quitting_while_a_save_is_on_its_way_says_so_and_that_the_draft_is_kept() {
    let mut app = loaded();
    app.update(Msg::Resize(100, 30));
    press(&mut app, KeyCode::Enter);
    type_text(&mut app, "# mine\n");
    let commands = ctrl(&mut app, 's');
    assert!(names(&commands).contains(&"fetch-for-save"), "{commands:?}");
    ctrl(&mut app, 'c');
    let screen = flowed(&super::history::screen(&app));
    assert!(
        screen.contains("Unsaved: deploy-web (document; saving… the draft is kept)."),
        "{screen}"
    );
    press(&mut app, KeyCode::Char('n'));
    // Once saved, nothing is left to ask about.
    let (slug, _) = sent_changes(&mut app, commands);
    let mut saved = app.list.find(&slug).unwrap().clone();
    saved.query = format!("# mine\n{}", saved.query);
    app.update(Msg::Saved {
        slug,
        result: Ok(saved),
    });
    ctrl(&mut app, 'c');
    assert!(app.quit);
}

#[test]
fn quitting_while_a_new_portal_is_being_created_warns_that_its_token_would_be_lost() {
    let mut app = loaded();
    app.update(Msg::Resize(100, 30));
    press(&mut app, KeyCode::Char('n'));
    type_text(&mut app, "Nightly");
    assert!(matches!(
        ctrl(&mut app, 's').as_slice(),
        [Command::Create(_)]
    ));
    press(&mut app, KeyCode::Esc); // the form closes, the request still on its way
    assert!(
        app.status.contains("Nightly is still being created"),
        "not said paused: {}",
        app.status
    );
    ctrl(&mut app, 'c');
    let screen = flowed(&super::history::screen(&app));
    assert!(
        screen.contains("A new portal is being created: its token comes once"),
        "{screen}"
    );
    assert!(screen.contains("Quitting now loses it"), "{screen}");
    press(&mut app, KeyCode::Char('n'));
    assert!(!app.quit, "n stays");
    app.update(Msg::Created {
        result: Ok(created("nightly")),
        stored: Ok(()),
    });
    assert!(
        matches!(app.dialogs.front(), Some(Dialog::Token(_))),
        "the token arrives and is shown"
    );
}

#[test]
fn create_shows_the_token_once_and_closes_only_on_enter() {
    let mut app = loaded();
    press(&mut app, KeyCode::Char('n'));
    assert!(ctrl(&mut app, 's').is_empty(), "a name is required first");
    type_text(&mut app, "Nightly");
    let commands = ctrl(&mut app, 's');
    match commands.as_slice() {
        [Command::Create(new)] => {
            assert_eq!(new.name, "Nightly");
            assert!(
                new.query.contains("query GetBuilds"),
                "starts from the template"
            );
        }
        other => panic!("expected create, got {other:?}"),
    }
    app.update(Msg::Created {
        result: Ok(created("nightly")),
        stored: Ok(()),
    });
    assert!(app.has_token("nightly"));
    assert_eq!(app.selected_portal().unwrap().slug, "nightly");
    assert_eq!(names(&press(&mut app, KeyCode::Char('c'))), ["copy"]);
    press(&mut app, KeyCode::Esc);
    assert!(
        matches!(app.dialogs.front(), Some(Dialog::Token(d)) if d.reminded),
        "Esc alone does not lose it"
    );
    press(&mut app, KeyCode::Char(' '));
    assert_eq!(
        names(&press(&mut app, KeyCode::Enter)),
        ["note-token-dialog", "forget-token"],
        "closed, and unticked: not kept"
    );
    assert!(app.dialogs.is_empty());
    assert!(!app.has_token("nightly"));
}

#[test]
fn a_rejected_create_keeps_the_form_and_marks_the_field() {
    let mut app = loaded();
    press(&mut app, KeyCode::Char('n'));
    type_text(&mut app, "Who am I");
    ctrl(&mut app, 's');
    app.update(Msg::Created {
        result: Err(ApiError::Validation {
            message: "Validation failed: Slug has already been taken".into(),
            server: None,
        }),
        stored: Ok(()),
    });
    match app.dialogs.front() {
        Some(Dialog::Form(form)) => {
            assert_eq!(form.name.value(), "Who am I");
            assert_eq!(form.server_error.as_ref().unwrap().0, Some(Field::Slug));
        }
        other => panic!("the form stays open, got {other:?}"),
    }
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('n'));
    assert!(
        matches!(app.dialogs.front(), Some(Dialog::Form(f)) if f.name.value() == "Who am I"),
        "closing and reopening keeps what was typed"
    );
}

#[test]
fn delete_needs_the_slug_typed() {
    let mut app = loaded();
    press(&mut app, KeyCode::Char('d'));
    type_text(&mut app, "deploy");
    assert!(press(&mut app, KeyCode::Enter).is_empty());
    type_text(&mut app, "-web");
    assert_eq!(names(&press(&mut app, KeyCode::Enter)), ["delete"]);
    app.update(Msg::Deleted {
        slug: "deploy-web".into(),
        result: Ok(()),
    });
    assert_eq!(app.list.visible.len(), 2);
    assert!(!app.has_token("deploy-web"));
}

#[test]
fn fuzzy_prefers_contiguous_and_word_start_matches() {
    let tight = fuzzy_score("Recent builds", "rec").unwrap();
    let loose = fuzzy_score("release checks", "rec").unwrap();
    assert!(tight > loose);
    assert_eq!(fuzzy_score("deploy", "xyz"), None);
}

#[test]
fn large_documents_are_parsed_off_the_input_path() {
    let mut big = String::from("query Big {\n  viewer {\n");
    while big.len() <= crate::tui::editor::SYNC_PARSE_LIMIT {
        big.push_str("    user { name }\n");
    }
    big.push_str("  }\n}\n");
    let mut app = App::new("demo", Vec::new());
    app.init();
    app.update(Msg::PortalsPage(vec![portal("big", "Big", None, &big)]));
    app.update(Msg::PortalsLoaded);
    press(&mut app, KeyCode::Enter);
    let diagnose_only = |commands: Vec<Command>| -> Vec<Command> {
        commands
            .into_iter()
            .filter(|c| matches!(c, Command::Diagnose { .. }))
            .collect()
    };
    let first = diagnose_only(press(&mut app, KeyCode::Char('{')));
    let Some(Command::Diagnose {
        generation: first_generation,
        ..
    }) = first.first()
    else {
        panic!("expected a diagnose command, got {first:?}");
    };
    // While that job runs, more typing sends nothing: one job at a time.
    assert!(diagnose_only(press(&mut app, KeyCode::Char('{'))).is_empty());
    assert!(diagnose_only(press(&mut app, KeyCode::Char(' '))).is_empty());
    let ok = crate::graphql::diagnostics::parse_diagnostics("query { a }");
    let error = crate::graphql::diagnostics::parse_diagnostics("{{");
    // Its (late) answer is dropped, and the text typed meanwhile is sent.
    let next = diagnose_only(app.update(Msg::Diagnosed {
        slug: "big".into(),
        generation: *first_generation,
        diagnostics: ok,
    }));
    assert!(
        app.selected_edit().unwrap().diagnostics_pending,
        "late results are dropped"
    );
    let generation = match next.as_slice() {
        [Command::Diagnose {
            generation, text, ..
        }] => {
            assert!(*generation > *first_generation && text.starts_with("{{ query"));
            *generation
        }
        other => panic!("expected the newest text to be sent, got {other:?}"),
    };
    app.update(Msg::Diagnosed {
        slug: "big".into(),
        generation,
        diagnostics: error,
    });
    assert!(!app.selected_edit().unwrap().diagnostics.is_empty());
}

#[test]
fn a_save_over_someone_elses_change_shows_the_conflict() {
    let mut app = loaded();
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::End);
    type_text(&mut app, " # mine");
    assert_eq!(names(&ctrl(&mut app, 's')), ["fetch-for-save"]);
    let expected = app.list.find("deploy-web").cloned().unwrap();
    assert_eq!(expected.query, WHO);
    let mut server = expected.clone();
    server.description = Some("Changed by a colleague".into());
    let commands = app.update(Msg::FetchedForSave {
        slug: "deploy-web".into(),
        result: Ok(server.clone()),
    });
    assert!(!names(&commands).contains(&"update"), "nothing is sent");
    assert!(matches!(app.dialogs.front(), Some(Dialog::Conflict(_))));
    assert!(app.status.starts_with("Not saved"));

    // Back to editing: their description is taken, my document is kept.
    press(&mut app, KeyCode::Char('e'));
    let edit = app.selected_edit().unwrap();
    assert_eq!(edit.fields.description, "Changed by a colleague");
    assert!(edit.text().ends_with("# mine"));
    let commands = ctrl(&mut app, 's');
    let (_, changes) = sent_changes(&mut app, commands);
    assert!(changes.query.is_some());
    assert!(changes.description.is_none(), "their change is not undone");
    app.update(Msg::Saved {
        slug: "deploy-web".into(),
        result: Err(ApiError::Server {
            status: 503,
            message: "down".into(),
            server: None,
        }),
    });

    // Take theirs: my edit is replaced.
    server.name = "Renamed by a colleague".into();
    ctrl(&mut app, 's');
    app.update(Msg::FetchedForSave {
        slug: "deploy-web".into(),
        result: Ok(server),
    });
    press(&mut app, KeyCode::Char('t'));
    assert!(!app.is_dirty("deploy-web"));
    assert_eq!(app.selected_document().unwrap(), WHO);
    assert_eq!(
        app.selected_portal().unwrap().name,
        "Renamed by a colleague"
    );
}

#[test]
fn unsaved_edits_follow_to_disk_and_come_back() {
    let mut app = loaded();
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::End);
    let commands = press(&mut app, KeyCode::Char(' '));
    let draft = match commands.as_slice() {
        [Command::WriteDraft(draft)] => draft.clone(),
        other => panic!("an edit is written as a draft: {other:?}"),
    };
    assert_eq!(draft.slug, "deploy-web");
    assert!(draft.document.ends_with(' '));
    let undo = ctrl(&mut app, 'z');
    assert_eq!(
        names(&undo),
        ["remove-draft"],
        "back to the saved version: no draft"
    );

    // The next start: offered once the portals are listed.
    let mut next = App::new("demo", Vec::new());
    next.offer_drafts(vec![*draft], Vec::new(), None);
    next.init();
    next.update(Msg::PortalsPage(vec![portal(
        "deploy-web",
        "Deploy web",
        None,
        WHO,
    )]));
    next.update(Msg::PortalsLoaded);
    assert!(matches!(next.dialogs.front(), Some(Dialog::Drafts { .. })));
    press_on_draft(&mut next, KeyCode::Char('r'));
    assert!(next.dialogs.is_empty());
    assert!(next.is_dirty("deploy-web"));
    assert!(next.selected_document().unwrap().ends_with(' '));
    assert_eq!(next.focus, Focus::Document);
}

#[test]
fn drafts_of_deleted_portals_are_kept_until_discarded() {
    let mut app = loaded();
    press(&mut app, KeyCode::Enter);
    let draft = match press(&mut app, KeyCode::Char('#')).as_slice() {
        [Command::WriteDraft(draft)] => draft.clone(),
        other => panic!("{other:?}"),
    };
    let mut next = App::new("demo", Vec::new());
    next.offer_drafts(vec![*draft], Vec::new(), Some("nightly".into()));
    assert!(
        next.status.contains("new token of nightly"),
        "{}",
        next.status
    );
    next.init();
    next.update(Msg::PortalsPage(vec![portal("who-am-i", "Who", None, WHO)]));
    next.update(Msg::PortalsLoaded);
    press(&mut next, KeyCode::Char('r'));
    assert!(next.status.contains("no longer exists"), "{}", next.status);
    assert!(
        matches!(next.dialogs.front(), Some(Dialog::Drafts { .. })),
        "still offered"
    );
    assert!(
        press_on_draft(&mut next, KeyCode::Char('x')).is_empty(),
        "asked first"
    );
    assert_eq!(
        names(&press_on_draft(&mut next, KeyCode::Char('y'))),
        ["remove-draft"]
    );
    assert!(next.dialogs.is_empty());
}

#[test]
fn a_refused_submit_puts_the_focus_on_the_field_to_fix() {
    use crate::tui::dialogs::FormRow;
    let mut app = loaded();
    press(&mut app, KeyCode::Char('n'));
    type_text(&mut app, "Nightly");
    while !matches!(app.dialogs.front(), Some(Dialog::Form(f)) if f.focused() == FormRow::AllowedIps)
    {
        press(&mut app, KeyCode::Tab);
    }
    type_text(&mut app, "10.0.0.0/33");
    press(&mut app, KeyCode::BackTab);
    press(&mut app, KeyCode::BackTab); // on the slug now
    ctrl(&mut app, 's');
    assert!(app.status.contains("Cannot submit yet"), "{}", app.status);
    assert!(
        matches!(app.dialogs.front(), Some(Dialog::Form(f)) if f.focused() == FormRow::AllowedIps),
        "{:?}",
        app.dialogs.front()
    );
}

#[test]
fn under_demo_the_dialogs_call_the_server_the_demo_sandbox_capitalized_where_a_sentence_starts() {
    let mut app = loaded();
    app.update(Msg::Resize(100, 30));
    // As `tui::start` names it when `--demo` named the sandbox's origin.
    app.server = Some(crate::buildkite::http::DEMO_SANDBOX.to_owned());
    press(&mut app, KeyCode::Enter);
    type_text(&mut app, "# note\n");
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('x'));
    let shown = flowed(&super::history::screen(&app));
    assert!(
        shown.contains("The demo sandbox's version comes back; this cannot be undone."),
        "{shown}"
    );
    assert!(!shown.contains("127.0.0.1"), "{shown}");
}

#[test]
fn quitting_while_a_new_portal_is_being_created_keeps_its_form_on_disk() {
    for close_form_first in [false, true] {
        let mut app = loaded();
        app.update(Msg::Resize(100, 30));
        press(&mut app, KeyCode::Char('n'));
        let mut commands: Vec<Command> = "Nightly"
            .chars()
            .flat_map(|c| press(&mut app, KeyCode::Char(c)))
            .collect();
        commands.extend(ctrl(&mut app, 's'));
        if close_form_first {
            commands.extend(press(&mut app, KeyCode::Esc));
        }
        // Over the form, Ctrl-c first closes it (as Esc does).
        while !matches!(app.dialogs.front(), Some(Dialog::Confirm(_))) {
            commands.extend(ctrl(&mut app, 'c'));
        }
        commands.extend(press(&mut app, KeyCode::Char('y')));
        assert!(app.quit, "{}", super::history::screen(&app));
        let written = commands.iter().any(|c| {
            matches!(c, Command::WriteDraft(d) if d.slug == crate::tui::app::persist::NEW_PORTAL_DRAFT)
        });
        let removed = commands.iter().any(|c| {
            matches!(c, Command::RemoveDraft(s) if s == crate::tui::app::persist::NEW_PORTAL_DRAFT)
        });
        assert!(
            written && !removed,
            "form closed first: {close_form_first}; {commands:?}"
        );
    }
}

#[test]
fn every_wrong_field_of_the_fields_form_says_so_under_it_at_once() {
    let mut app = loaded();
    app.update(Msg::Resize(120, 30));
    press(&mut app, KeyCode::Char('f'));
    let rows = match app.dialogs.front() {
        Some(Dialog::Form(form)) => form.rows(),
        other => panic!("{other:?}"),
    };
    use crate::tui::dialogs::FormRow;
    let to = |app: &mut App, row: FormRow| {
        let wanted = rows.iter().position(|r| *r == row).unwrap();
        for _ in 0..rows.len() {
            let Some(Dialog::Form(form)) = app.dialogs.front() else {
                panic!("the form closed")
            };
            match form.focus.cmp(&wanted) {
                std::cmp::Ordering::Less => press(app, KeyCode::Down),
                std::cmp::Ordering::Greater => press(app, KeyCode::Up),
                std::cmp::Ordering::Equal => return,
            };
        }
        panic!("never reached {row:?}");
    };
    assert!(rows.contains(&FormRow::AllowedIps));
    to(&mut app, FormRow::AllowedIps);
    type_text(&mut app, " 10.0.0.0/33");
    to(&mut app, FormRow::Name);
    to(&mut app, FormRow::Slug);
    type_text(&mut app, "X");
    let screen = flowed(&super::history::screen(&app));
    assert!(screen.contains("10.0.0.0/33"), "{screen}");
    assert!(
        screen.contains("✗ `10.0.0.0/33` is not a CIDR block"),
        "the IPs' error stays: {screen}"
    );
    ctrl(&mut app, 's');
    assert!(
        app.status.starts_with("Cannot submit yet: ")
            && app.status.contains("(and 1 more, each under its field)"),
        "{}",
        app.status
    );
}
