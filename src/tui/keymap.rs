//! Keys as data: for each pane, which key does what. `App` looks actions up
//! here, and the footer and the help overlay are drawn from the same
//! tables, so what they say is what the keys do.
//!
//! A new key: an `Action` (if it is a new one), a `Binding` in the pane's
//! table (or `GLOBAL`), and its case in the pane's `app` module.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What a key asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    Help,
    NextPane,
    PreviousPane,
    Save,
    Run,
    RefreshSchema,
    /// Back to the portal list.
    Back,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Filter,
    Reload,
    NewPortal,
    Delete,
    EditFields,
    OpenDocument,
    ExternalEditor,
    Authorize,
    ReviewDrafts,
    Discard,
    Undo,
    Redo,
    Format,
    Complete,
    Explain,
    Fold,
    Search,
    NextMatch,
    PreviousMatch,
    CopyBody,
    /// The request that ran (or would run) as a curl command, token as $TOKEN.
    CopyCurl,
    /// Document editing: indent, the selection, find.
    Indent,
    Copy,
    Cut,
    Paste,
    SelectAll,
    Find,
    FindNext,
    FindPrevious,
    /// The value, or the JSON path, under the response's cursor.
    CopyValue,
    CopyPath,
    SaveBody,
    /// Long lines of the response wrap, or scroll sideways.
    Wrap,
    Left,
    Right,
    /// The variables as raw JSON, or the form again.
    RawVariables,
    /// The focused pane takes the whole screen, or gives it back.
    Zoom,
    /// The log of every status message of the session.
    Messages,
    /// The selected portal's recorded runs.
    History,
    /// The key goes to the pane's own editor (text, the variables form):
    /// listed so the help says what those keys do.
    Edit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    List,
    Document,
    Variables,
    Response,
}

#[derive(Debug, Clone, Copy)]
pub struct Key {
    code: KeyCode,
    modifiers: KeyModifiers,
}

const fn plain(code: KeyCode) -> Key {
    Key {
        code,
        modifiers: KeyModifiers::NONE,
    }
}

const fn char(c: char) -> Key {
    plain(KeyCode::Char(c))
}

const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        modifiers: KeyModifiers::CONTROL,
    }
}

impl Key {
    fn matches(&self, event: KeyEvent) -> bool {
        // Terminals report an upper-case letter with or without Shift.
        let mut modifiers = event.modifiers;
        if matches!(event.code, KeyCode::Char(_) | KeyCode::BackTab) {
            modifiers.remove(KeyModifiers::SHIFT);
        }
        self.code == event.code && self.modifiers == modifiers
    }
}

#[derive(Debug)]
pub struct Binding {
    pub keys: &'static [Key],
    /// The keys as the help shows them.
    pub label: &'static str,
    pub action: Action,
    pub help: &'static str,
}

/// Stands in a key's help for the server the session talks to: the help
/// says `Binding::help_for` with its name.
pub const SERVER: &str = "{server}";

impl Binding {
    /// What the help says of the key, naming `server` (`App::server_name`).
    pub fn help_for(&self, server: &str) -> String {
        self.help.replace(SERVER, server)
    }
}

const fn bind(
    keys: &'static [Key],
    label: &'static str,
    action: Action,
    help: &'static str,
) -> Binding {
    Binding {
        keys,
        label,
        action,
        help,
    }
}

/// Keys that work in every pane (dialogs and the filter take keys first).
pub const GLOBAL: &[Binding] = &[
    bind(&[ctrl('s')], "Ctrl-s", Action::Save, "save the portal"),
    bind(&[ctrl('r')], "Ctrl-r", Action::Run, "run the portal"),
    bind(
        &[plain(KeyCode::F(5))],
        "F5",
        Action::RefreshSchema,
        "fetch the GraphQL schema again",
    ),
    bind(
        &[plain(KeyCode::Tab), plain(KeyCode::F(6))],
        "Tab/F6",
        Action::NextPane,
        "next pane (in the document: F6)",
    ),
    bind(
        &[plain(KeyCode::BackTab)],
        "Shift-Tab",
        Action::PreviousPane,
        "previous pane",
    ),
    bind(&[plain(KeyCode::F(1))], "F1", Action::Help, "this help"),
    bind(
        &[plain(KeyCode::F(8))],
        "F8",
        Action::Zoom,
        "zoom: whole screen (again: back)",
    ),
    bind(
        &[plain(KeyCode::F(7))],
        "F7",
        Action::Messages,
        "all messages of this session",
    ),
    bind(
        &[ctrl('c')],
        "Ctrl-c",
        Action::Quit,
        "quit (asks when work is unsaved)",
    ),
];

const LIST: &[Binding] = &[
    bind(
        &[plain(KeyCode::Down), char('j')],
        "↓/j",
        Action::Down,
        "next portal",
    ),
    bind(
        &[plain(KeyCode::Up), char('k')],
        "↑/k",
        Action::Up,
        "previous portal",
    ),
    bind(
        &[plain(KeyCode::PageDown)],
        "PgDn",
        Action::PageDown,
        "ten down",
    ),
    bind(&[plain(KeyCode::PageUp)], "PgUp", Action::PageUp, "ten up"),
    bind(
        &[plain(KeyCode::Home), char('g')],
        "g/Home",
        Action::Top,
        "first portal",
    ),
    bind(
        &[plain(KeyCode::End), char('G')],
        "G/End",
        Action::Bottom,
        "last portal",
    ),
    bind(
        &[char('/')],
        "/",
        Action::Filter,
        "filter by name, slug, description (Ctrl-u clears; Esc closes, / offers it again)",
    ),
    bind(
        &[plain(KeyCode::Enter), plain(KeyCode::Right)],
        "Enter",
        Action::OpenDocument,
        "edit the document",
    ),
    bind(&[char('f')], "f", Action::EditFields, "edit the fields"),
    bind(
        &[char('e')],
        "e",
        Action::ExternalEditor,
        "open the document in $EDITOR",
    ),
    bind(
        &[char('n')],
        "n",
        Action::NewPortal,
        "create a portal (or resume one)",
    ),
    bind(&[char('d')], "d", Action::Delete, "delete the portal"),
    bind(
        &[char('x')],
        "x",
        Action::Discard,
        "discard unsaved changes",
    ),
    bind(
        &[char('D')],
        "D",
        Action::ReviewDrafts,
        "review drafts of an earlier session",
    ),
    bind(
        &[char('H')],
        "H",
        Action::History,
        "its recorded runs, to run again",
    ),
    bind(&[char('r')], "r", Action::Reload, "reload from {server}"),
    bind(
        &[char('a')],
        "a",
        Action::Authorize,
        "authorize runs (without running)",
    ),
    bind(
        &[plain(KeyCode::Esc)],
        "Esc",
        Action::Back,
        "clear the filter",
    ),
    bind(
        &[char('+')],
        "+",
        Action::Zoom,
        "zoom the list (again: back)",
    ),
    bind(&[char('?')], "?", Action::Help, "this help"),
    bind(&[char('q')], "q", Action::Quit, "quit"),
];

const DOCUMENT: &[Binding] = &[
    bind(
        &[],
        "type",
        Action::Edit,
        "edit the document (Enter keeps the indent)",
    ),
    bind(
        &[],
        "PgUp/PgDn",
        Action::Edit,
        "a page up or down (Home/End: the line)",
    ),
    bind(
        &[],
        "Ctrl-Home/End",
        Action::Edit,
        "start or end of the document",
    ),
    bind(
        &[],
        "Shift-arrows",
        Action::Edit,
        "select (or drag with the mouse; a click moves the cursor)",
    ),
    bind(
        &[plain(KeyCode::Tab)],
        "Tab",
        Action::Indent,
        "indent (Shift-Tab or F6 leaves the pane)",
    ),
    bind(
        &[ctrl('z')],
        "Ctrl-z",
        Action::Undo,
        "undo (a word or change at a time)",
    ),
    bind(&[ctrl('y')], "Ctrl-y", Action::Redo, "redo"),
    bind(
        &[ctrl('c')],
        "Ctrl-c",
        Action::Copy,
        "copy the selection (with none, quits)",
    ),
    bind(&[ctrl('x')], "Ctrl-x", Action::Cut, "cut the selection"),
    bind(
        &[ctrl('v')],
        "Ctrl-v",
        Action::Paste,
        "paste what was copied or cut",
    ),
    bind(&[ctrl('a')], "Ctrl-a", Action::SelectAll, "select all"),
    // The text area's own emacs keys, which the document passes on to it.
    bind(
        &[],
        "Ctrl-b/e",
        Action::Edit,
        "a character back, the line's end (Alt-b/Alt-f: a word)",
    ),
    bind(
        &[],
        "Ctrl-h/d/w/k",
        Action::Edit,
        "delete back, forward, a word back, to the line's end",
    ),
    bind(&[ctrl('g')], "Ctrl-g", Action::Find, "find in the document"),
    bind(
        &[plain(KeyCode::F(3)), ctrl('n')],
        "F3/Ctrl-n",
        Action::FindNext,
        "next match (wraps around)",
    ),
    // tmux (and some terminals) send Shift-F3 as `ESC[1;2R`, which
    // crossterm reads as a cursor position report and drops: Ctrl-p
    // (as in micro) reaches the app everywhere.
    bind(
        &[
            Key {
                code: KeyCode::F(3),
                modifiers: KeyModifiers::SHIFT,
            },
            ctrl('p'),
        ],
        "Shift-F3/Ctrl-p",
        Action::FindPrevious,
        "previous match",
    ),
    bind(
        &[ctrl('f')],
        "Ctrl-f",
        Action::Format,
        "format the document",
    ),
    bind(
        &[ctrl(' ')],
        "Ctrl-Space",
        Action::Complete,
        "complete (also while typing a name)",
    ),
    bind(
        &[plain(KeyCode::F(2))],
        "F2",
        Action::Explain,
        "explain the field under the cursor",
    ),
    bind(
        &[ctrl('o')],
        "Ctrl-o",
        Action::ExternalEditor,
        "open in $EDITOR",
    ),
    bind(
        &[plain(KeyCode::Esc)],
        "Esc",
        Action::Back,
        "back to the list",
    ),
];

/// Said when a letter is typed on the variables' operation picker, which
/// takes no text: the keys of `VARIABLES` that act there.
/// What a letter typed on the Run row hears (the row takes no text).
pub const RUN_ROW_KEYS: &str =
    "The Run row takes no text: Enter (or Ctrl-r) runs the portal, ↑ goes back to its variables, C copies the request as curl.";

pub const PICKER_KEYS: &str =
    "The operation picker takes ←/→ to choose the operation, ↓ to its variables, C to copy the request as curl.";

const VARIABLES: &[Binding] = &[
    bind(&[], "↑/↓", Action::Edit, "move between variables"),
    bind(
        &[],
        "←/→",
        Action::Edit,
        "choose the operation, an enum value or true/false",
    ),
    bind(
        &[],
        "type",
        Action::Edit,
        "edit the value (JSON for lists and objects); on the operation picker, says its keys",
    ),
    bind(
        &[],
        "Enter",
        Action::Edit,
        "next variable; on Run, runs the portal",
    ),
    bind(
        &[ctrl('t')],
        "Ctrl-t",
        Action::RawVariables,
        "raw JSON view (paste an object there to fill the form)",
    ),
    bind(
        &[char('C')],
        "C",
        Action::CopyCurl,
        "copy the request as curl, token as $TOKEN (raw view, picker or Run)",
    ),
    bind(
        &[plain(KeyCode::Esc)],
        "Esc",
        Action::Back,
        "back to the list",
    ),
];

const RESPONSE: &[Binding] = &[
    bind(
        &[plain(KeyCode::Down), char('j')],
        "↓/j",
        Action::Down,
        "next line",
    ),
    bind(
        &[plain(KeyCode::Up), char('k')],
        "↑/k",
        Action::Up,
        "previous line",
    ),
    bind(
        &[plain(KeyCode::PageDown)],
        "PgDn",
        Action::PageDown,
        "a page down",
    ),
    bind(
        &[plain(KeyCode::PageUp)],
        "PgUp",
        Action::PageUp,
        "a page up",
    ),
    bind(
        &[plain(KeyCode::Home), char('g')],
        "g/Home",
        Action::Top,
        "top",
    ),
    bind(
        &[plain(KeyCode::End), char('G')],
        "G/End",
        Action::Bottom,
        "bottom",
    ),
    bind(
        &[plain(KeyCode::Enter), char(' '), char('z')],
        "Enter/Space",
        Action::Fold,
        "fold or unfold the block",
    ),
    bind(
        &[plain(KeyCode::Left), char('h')],
        "←/h",
        Action::Left,
        "scroll left",
    ),
    bind(
        &[plain(KeyCode::Right), char('l')],
        "→/l",
        Action::Right,
        "scroll right",
    ),
    bind(
        &[char('w')],
        "w",
        Action::Wrap,
        "wrap long lines (or scroll sideways)",
    ),
    bind(
        &[char('/')],
        "/",
        Action::Search,
        "search as you type (Esc: back to where you were, Enter: stay)",
    ),
    bind(
        &[char('|')],
        "|",
        Action::Filter,
        "jq filter (empty: the whole answer)",
    ),
    bind(&[char('n')], "n", Action::NextMatch, "next match"),
    bind(&[char('N')], "N", Action::PreviousMatch, "previous match"),
    bind(&[char('c')], "c", Action::CopyBody, "copy the body"),
    bind(
        &[char('C')],
        "C",
        Action::CopyCurl,
        "copy the request as curl (token as $TOKEN)",
    ),
    bind(
        &[char('H')],
        "H",
        Action::History,
        "its recorded runs, to run again",
    ),
    bind(
        &[char('y')],
        "y",
        Action::CopyValue,
        "copy the value under the cursor",
    ),
    bind(
        &[char('p')],
        "p",
        Action::CopyPath,
        "copy its path (.data.builds[0].url)",
    ),
    bind(
        &[char('s')],
        "s",
        Action::SaveBody,
        "save it as shown to a file (asks before replacing)",
    ),
    bind(
        &[plain(KeyCode::Esc)],
        "Esc",
        Action::Back,
        "back to the list",
    ),
    bind(
        &[char('+')],
        "+",
        Action::Zoom,
        "zoom the answer (again: back)",
    ),
    bind(&[char('?')], "?", Action::Help, "this help"),
    bind(&[char('q')], "q", Action::Quit, "quit"),
];

/// Keys the document takes over from `GLOBAL`: Tab indents there (F6 and
/// Shift-Tab still move on), and Ctrl-c copies a selection (without one it
/// quits, as everywhere).
pub const DOCUMENT_OVERRIDES: &[Action] = &[Action::Indent, Action::Copy];

pub fn bindings(context: Context) -> &'static [Binding] {
    match context {
        Context::List => LIST,
        Context::Document => DOCUMENT,
        Context::Variables => VARIABLES,
        Context::Response => RESPONSE,
    }
}

/// The pane's own binding for `key`, else a global one.
pub fn action(context: Context, key: KeyEvent) -> Option<Action> {
    bindings(context)
        .iter()
        .chain(GLOBAL)
        .find(|b| b.keys.iter().any(|k| k.matches(key)))
        .map(|b| b.action)
}

/// The binding of `key` among the keys that work everywhere, whatever
/// the pane (F1 over a prompt, where the pane's own letters are typed).
pub fn global(key: KeyEvent) -> Option<Action> {
    GLOBAL
        .iter()
        .find(|b| b.keys.iter().any(|k| k.matches(key)))
        .map(|b| b.action)
}

/// The few keys the footer names for each pane, with one word each; the
/// keys themselves come from the bindings.
fn footer_actions(context: Context) -> &'static [(Action, &'static str)] {
    match context {
        Context::List => &[
            (Action::Filter, "filter"),
            (Action::OpenDocument, "edit"),
            (Action::NewPortal, "new"),
            (Action::Run, "run"),
        ],
        Context::Document => &[
            (Action::Save, "save"),
            (Action::Complete, "complete"),
            (Action::Back, "list"),
        ],
        Context::Variables => &[(Action::Run, "run"), (Action::Back, "list")],
        Context::Response => &[
            (Action::Search, "search"),
            (Action::CopyBody, "copy"),
            (Action::Back, "list"),
        ],
    }
}

/// The footer's keys for the pane: `Enter edit · n new · … · F1 help`.
pub fn footer(context: Context) -> String {
    let label = |action: Action| {
        bindings(context)
            .iter()
            .chain(GLOBAL)
            .find(|b| b.action == action)
            .map_or("?", |b| b.label)
    };
    footer_actions(context)
        .iter()
        .chain(&[(Action::Help, "help")])
        .map(|&(action, word)| format!("{} {word}", label(action)))
        .collect::<Vec<_>>()
        .join(" · ")
}

#[cfg(test)]
mod tests;
