//! The keymap's own checks: which binding wins, none ambiguous, no modified
//! letter taken for the plain one, the footer's wording.

use super::*;

fn key(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
    KeyEvent::new(code, modifiers)
}

#[test]
fn pane_keys_come_before_global_ones_and_shift_does_not_matter_for_letters() {
    let none = KeyModifiers::NONE;
    assert_eq!(
        action(Context::List, key(KeyCode::Char('G'), KeyModifiers::SHIFT)),
        Some(Action::Bottom)
    );
    assert_eq!(
        action(Context::List, key(KeyCode::Char('D'), none)),
        Some(Action::ReviewDrafts)
    );
    assert_eq!(
        action(
            Context::Document,
            key(KeyCode::Char('s'), KeyModifiers::CONTROL)
        ),
        Some(Action::Save)
    );
    // A plain letter in the document is text, not a command.
    assert_eq!(
        action(Context::Document, key(KeyCode::Char('q'), none)),
        None
    );
    assert_eq!(
        action(Context::Response, key(KeyCode::Char('n'), none)),
        Some(Action::NextMatch)
    );
}

#[test]
fn find_previous_has_a_key_that_survives_tmux() {
    // Shift-F3 stays, but tmux turns it into a sequence crossterm
    // drops; Ctrl-p is a plain control byte.
    let control = KeyModifiers::CONTROL;
    assert_eq!(
        action(Context::Document, key(KeyCode::Char('p'), control)),
        Some(Action::FindPrevious)
    );
    assert_eq!(
        action(Context::Document, key(KeyCode::F(3), KeyModifiers::SHIFT)),
        Some(Action::FindPrevious)
    );
    assert_eq!(
        action(Context::Document, key(KeyCode::Char('n'), control)),
        Some(Action::FindNext)
    );
}

#[test]
fn every_pane_keeps_its_bindings_unambiguous() {
    for context in [
        Context::List,
        Context::Document,
        Context::Variables,
        Context::Response,
    ] {
        let all: Vec<&Binding> = bindings(context).iter().chain(GLOBAL).collect();
        for (i, a) in all.iter().enumerate() {
            let overrides = context == Context::Document && DOCUMENT_OVERRIDES.contains(&a.action);
            for b in &all[i + 1..] {
                if overrides && GLOBAL.iter().any(|g| std::ptr::eq(g, *b)) {
                    continue;
                }
                for k in a.keys {
                    assert!(
                        !b.keys
                            .iter()
                            .any(|o| o.code == k.code && o.modifiers == k.modifiers),
                        "{context:?}: {} and {} share a key",
                        a.label,
                        b.label
                    );
                }
            }
        }
    }
}

#[test]
fn a_letter_with_ctrl_or_alt_is_never_the_plain_letters_key() {
    let modified = [
        KeyModifiers::CONTROL,
        KeyModifiers::ALT,
        KeyModifiers::CONTROL | KeyModifiers::ALT,
    ];
    for context in [
        Context::List,
        Context::Document,
        Context::Variables,
        Context::Response,
    ] {
        for binding in bindings(context) {
            for k in binding.keys {
                let KeyCode::Char(c) = k.code else { continue };
                if !k.modifiers.is_empty() {
                    continue;
                }
                for m in modified {
                    assert_ne!(
                        action(context, key(KeyCode::Char(c), m)),
                        Some(binding.action),
                        "{context:?}: {m:?} {c} acts as {c}"
                    );
                }
            }
        }
    }
}

#[test]
fn the_footer_reads_as_key_and_word() {
    assert_eq!(
        footer(Context::List),
        "/ filter · Enter edit · n new · Ctrl-r run · ? help"
    );
    assert_eq!(
        footer(Context::Document),
        "Ctrl-s save · Ctrl-Space complete · Esc list · F1 help"
    );
}
