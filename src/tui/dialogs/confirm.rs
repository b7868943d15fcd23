//! Questions with a few one-key answers: save or create with errors, quit
//! with unsaved changes, run with unsaved changes, discard changes.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::text::{Line, Span};
use ratatui::Frame;

use super::frame::{key_lines, message};
use super::{Dialog, DialogAction, PortalForm, Step};
use crate::secrets::Secret;
use crate::text::{sanitize_line, sentence_start};
use crate::tui::view::{dim, error_style};

#[derive(Debug)]
pub struct Confirm {
    pub kind: ConfirmKind,
}

#[derive(Debug)]
pub enum ConfirmKind {
    /// The document does not parse or validate; saving needs a second yes.
    Save {
        slug: String,
        /// "1 syntax error, 2 schema errors"
        summary: String,
        /// Some of them are syntax errors.
        syntax: bool,
    },
    /// The new portal's document does not validate against the schema.
    Create {
        form: Box<PortalForm>,
        summary: String,
    },
    /// What is unsaved: portal slugs, and "the new portal".
    /// `not_on_disk`: those of them another running bkportals edits too, so
    /// their drafts were not written (quitting loses them).
    /// `saving`: those whose save is on its way (it may or may not land).
    Quit {
        unsaved: Vec<String>,
        /// What of each unsaved portal is (`document`, `fields`, both).
        parts: Vec<(String, &'static str)>,
        not_on_disk: Vec<String>,
        saving: Vec<String>,
        /// A new portal is being created: its token comes only in that answer.
        creating: bool,
    },
    /// Ctrl-r while the portal has unsaved changes: Buildkite runs the saved
    /// document, not the one on screen.
    /// `saved`: what `r` (run the saved version) sends, said in full as
    /// its values are not the ones on screen.
    Run {
        slug: String,
        document: bool,
        saved: String,
    },
    /// A run whose requested complexity is over Buildkite's limit: sent
    /// only when the user says so. `why` gives the figure and the limit.
    OverLimit { run: Box<PendingRun>, why: String },
    /// Throw away unsaved changes of one portal.
    Discard {
        slug: String,
        document: bool,
        fields: bool,
    },
    /// Throw away the paused creation of a new portal.
    DiscardCreation { name: String },
    /// Buildkite made the portal, but the answer with its one-time token
    /// was lost: keep it (and make a token in Buildkite), or delete it and
    /// create it again from the same form.
    CreatedWithoutToken {
        slug: String,
        form: Box<PortalForm>,
        /// The server that made it, as said (`App::server_name`).
        server: String,
    },
}

/// A run ready to send, held while a dialog asks about it.
#[derive(Debug)]
pub struct PendingRun {
    pub slug: String,
    pub operation: Option<String>,
    pub variables: serde_json::Value,
    /// A token typed for this run (never shown: `Secret`'s `Debug` hides it).
    pub token: Option<Secret>,
    pub store_token: bool,
}

impl ConfirmKind {
    pub fn slug(&self) -> Option<&str> {
        match self {
            ConfirmKind::OverLimit { run, .. } => Some(&run.slug),
            ConfirmKind::Save { slug, .. }
            | ConfirmKind::Run { slug, .. }
            | ConfirmKind::Discard { slug, .. } => Some(slug),
            ConfirmKind::CreatedWithoutToken { slug, .. } => Some(slug),
            ConfirmKind::Create { .. }
            | ConfirmKind::Quit { .. }
            | ConfirmKind::DiscardCreation { .. } => None,
        }
    }
}

impl Confirm {
    pub fn dialog(kind: ConfirmKind) -> Dialog {
        Dialog::Confirm(Confirm { kind })
    }

    pub fn key(self, key: KeyEvent) -> Step {
        let yes = matches!(key.code, KeyCode::Char('y') | KeyCode::Char('Y'));
        let no = matches!(key.code, KeyCode::Char('n') | KeyCode::Esc);
        let status = |text: &str| Step::act(DialogAction::Status(text.to_owned()));
        match self.kind {
            ConfirmKind::Save { slug, .. } if yes => Step::act(DialogAction::SaveAnyway(slug)),
            ConfirmKind::Save { .. } if no => status("Not saved: fix the document first."),
            ConfirmKind::Create { form, .. } if yes => Step::act(DialogAction::CreateAnyway(form)),
            ConfirmKind::Create { form, .. } if no => Step::keep_and(
                Dialog::Form(form),
                DialogAction::Status("Not created: fix the document first.".into()),
            ),
            ConfirmKind::Quit { .. } if yes => Step::act(DialogAction::Quit),
            ConfirmKind::Quit { .. } if no => Step::close(),
            ConfirmKind::Run { slug, .. } if key.code == KeyCode::Char('s') => {
                Step::act(DialogAction::SaveThenRun(slug))
            }
            ConfirmKind::Run { slug, .. } if key.code == KeyCode::Char('r') => {
                Step::act(DialogAction::RunSaved(slug))
            }
            ConfirmKind::Run { .. } if key.code == KeyCode::Esc => status("Not run."),
            ConfirmKind::OverLimit { run, why } if yes || key.code == KeyCode::Enter => {
                Step::act(DialogAction::RunAnyway { run, why })
            }
            ConfirmKind::OverLimit { run, .. } if no => Step::act(DialogAction::RunDeclined(run)),
            ConfirmKind::Discard {
                slug,
                document,
                fields,
            } => {
                let (document, fields) = match key.code {
                    KeyCode::Char('d') if document => (true, false),
                    KeyCode::Char('f') if fields => (false, true),
                    KeyCode::Char('a') if document && fields => (true, true),
                    KeyCode::Char('y') if document != fields => (document, fields),
                    KeyCode::Esc | KeyCode::Char('n') => return status("Nothing discarded."),
                    _ => {
                        return Step::keep(Confirm::dialog(ConfirmKind::Discard {
                            slug,
                            document,
                            fields,
                        }))
                    }
                };
                Step::act(DialogAction::Discard {
                    slug,
                    document,
                    fields,
                })
            }
            ConfirmKind::DiscardCreation { .. } if yes => Step::act(DialogAction::DiscardCreation),
            ConfirmKind::CreatedWithoutToken { slug, form, .. } if key.code == KeyCode::Char('r') => {
                Step::act(DialogAction::Recreate { slug, form })
            }
            ConfirmKind::CreatedWithoutToken { slug, server, .. }
                if matches!(key.code, KeyCode::Enter | KeyCode::Esc | KeyCode::Char('k')) =>
            {
                Step::act(DialogAction::Status(format!(
                    "Kept {slug}: make a token on its Security page on {server}, then `a` stores it here."
                )))
            }
            ConfirmKind::DiscardCreation { .. } if no => Step::close(),
            kind => Step::keep(Dialog::Confirm(Confirm { kind })),
        }
    }

    /// `server`: the server the session talks to, as said (`App::server_name`).
    pub fn draw(&self, frame: &mut Frame, server: &str) {
        let (title, lines, width) = self.text(server);
        message(frame, title, lines, width);
    }

    /// The title, the lines and the width of the question.
    fn text(&self, server: &str) -> (&'static str, Vec<Line<'static>>, u16) {
        // Where the server's name opens a sentence ("The demo sandbox ...").
        let server_cap = sentence_start(server);
        match &self.kind {
            ConfirmKind::Save {
                summary, syntax, ..
            } => errors_text(
                " Save with errors? ",
                summary,
                (*syntax).then_some(server),
                "Save anyway?  y save · n keep editing",
            ),
            ConfirmKind::Create { summary, .. } => errors_text(
                " Create with errors? ",
                summary,
                None,
                "Create anyway?  y create · n keep editing",
            ),
            ConfirmKind::Quit {
                unsaved,
                parts,
                not_on_disk,
                saving,
                creating,
            } => (
                " Quit? ",
                quit_text(unsaved, parts, not_on_disk, saving, *creating),
                60,
            ),
            ConfirmKind::Run {
                slug,
                document,
                saved,
            } => (
                " Run with unsaved changes? ",
                vec![
                    Line::from(format!(
                        "`{}` has unsaved changes{}.",
                        sanitize_line(slug),
                        if *document { " to its document" } else { "" }
                    )),
                    Line::from(format!(
                        "{server_cap} runs the document saved on it, not the one on screen."
                    )),
                    Line::from(sanitize_line(saved)),
                    Line::default(),
                    Line::from("s save, then run · r run the saved version · Esc cancel"),
                ],
                66,
            ),
            ConfirmKind::OverLimit { why, .. } => (
                " Over the complexity limit ",
                vec![
                    Line::from(Span::styled(sanitize_line(why), error_style())),
                    Line::from(format!(
                        "{server_cap} will most likely refuse it, with an error instead of data."
                    )),
                    Line::default(),
                    Line::from("Enter/y send anyway · Esc cancel"),
                ],
                90,
            ),
            ConfirmKind::Discard {
                slug,
                document,
                fields,
            } => discard_text(slug, *document, *fields, server),
            ConfirmKind::CreatedWithoutToken { slug, .. } => (
                " Created, but its token was lost ",
                vec![
                    Line::from(format!(
                        "{server_cap} created `{}`, but the answer with its token was cut off.",
                        sanitize_line(slug)
                    )),
                    Line::from(Span::styled(
                        format!("{server_cap} shows a new portal's token only once: it cannot be read again."),
                        error_style(),
                    )),
                    Line::default(),
                    Line::from(format!(
                        "Enter keep it (make a new token on its Security page on {server})"
                    )),
                    Line::from("r delete it and create it again from the same form"),
                ],
                76,
            ),
            ConfirmKind::DiscardCreation { name } => (
                " Discard the new portal? ",
                vec![
                    Line::from(format!(
                        "Throw away the portal being created{}?",
                        if name.is_empty() {
                            String::new()
                        } else {
                            format!(" (`{}`)", sanitize_line(name))
                        }
                    )),
                    Line::default(),
                    Line::from("y discard · n keep"),
                ],
                60,
            ),
        }
    }
}

/// Which changes of `slug` can be thrown away, and the keys for each, in
/// words.
fn discard_text(
    slug: &str,
    document: bool,
    fields: bool,
    server: &str,
) -> (&'static str, Vec<Line<'static>>, u16) {
    const WIDTH: u16 = 64;
    let server_cap = sentence_start(server);
    let keys = match (document, fields) {
        (true, true) => "d discard the document's changes · f discard the fields' changes · a discard both · Esc keep them",
        (true, false) => "y (or d) discard the document's changes · Esc keep them",
        _ => "y (or f) discard the fields' changes · Esc keep them",
    };
    let mut lines = vec![
        Line::from(format!(
            "Throw away the unsaved changes of `{}`?",
            sanitize_line(slug)
        )),
        Line::from(Span::styled(
            format!("{server_cap}'s version comes back; this cannot be undone."),
            dim(),
        )),
        Line::default(),
    ];
    lines.extend(key_lines(keys, usize::from(WIDTH - 2)));
    (" Discard changes? ", lines, WIDTH)
}

/// The quit question: what is unsaved, and what of it quitting loses.
fn quit_text(
    unsaved: &[String],
    parts: &[(String, &'static str)],
    not_on_disk: &[String],
    saving: &[String],
    creating: bool,
) -> Vec<Line<'static>> {
    // A save on its way when quitting may land or not: its draft (with what
    // was typed since) stays, for the next start to offer.
    let named: Vec<String> = (unsaved.iter())
        .map(|name| {
            let part = (parts.iter())
                .find(|(slug, _)| slug == name)
                .map_or("", |(_, part)| *part);
            let saving = match (saving.contains(name), not_on_disk.contains(name)) {
                (true, false) => "saving… the draft is kept",
                (true, true) => "saving…",
                _ => "",
            };
            match (part, saving) {
                ("", "") => name.clone(),
                (part, "") | ("", part) => format!("{name} ({part})"),
                (part, saving) => format!("{name} ({part}; {saving})"),
            }
        })
        .collect();
    let mut lines = Vec::new();
    if !named.is_empty() {
        lines.push(Line::from(format!(
            "Unsaved: {}.",
            sanitize_line(&named.join(", "))
        )));
    }
    // What quitting loses first; then what it keeps, agreeing in number.
    if !not_on_disk.is_empty() {
        lines.push(Line::from(Span::styled(
            format!(
                "Not on disk: {} (another bkportals edits it, or left its draft of it, which this edit would overwrite). Quitting loses this edit.",
                sanitize_line(&not_on_disk.join(", "))
            ),
            error_style(),
        )));
    }
    let kept = unsaved.len() - not_on_disk.len().min(unsaved.len());
    if kept > 0 {
        let text = match (kept, not_on_disk.is_empty()) {
            (1, true) => "It stays on disk as a draft: the next start offers it.",
            (_, true) => "They stay on disk as drafts: the next start offers them.",
            (1, false) => "The other stays on disk as a draft: the next start offers it.",
            (_, false) => "The others stay on disk as drafts: the next start offers them.",
        };
        lines.push(Line::from(Span::styled(text, dim())));
    }
    if creating {
        lines.push(Line::from(Span::styled(
            "A new portal is being created: its token comes once, in the answer. Quitting now loses it, and the portal may be created all the same. Wait for it (n).",
            error_style(),
        )));
    }
    lines.push(Line::default());
    lines.push(Line::from("Quit now?  y quit · n stay"));
    lines
}

/// A document with errors, about to be sent: what is wrong and what asks.
/// `refused_by`: the server that will refuse it, when it does not parse.
fn errors_text(
    title: &'static str,
    summary: &str,
    refused_by: Option<&str>,
    question: &'static str,
) -> (&'static str, Vec<Line<'static>>, u16) {
    let consequence = match refused_by {
        Some(server) => format!(
            "{} will refuse a document that does not parse.",
            sentence_start(server)
        ),
        None => "It does not validate against the schema: every call fails.".to_owned(),
    };
    (
        title,
        vec![
            Line::from(Span::styled(
                format!("The document has {summary}."),
                error_style(),
            )),
            Line::from(consequence),
            Line::default(),
            Line::from(question),
        ],
        60,
    )
}
