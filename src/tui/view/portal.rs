//! The selected portal: its fields, and its document with highlighting, line
//! numbers, diagnostics and the completion list.

use ratatui::layout::{Position, Rect};
use ratatui::style::{Color, Modifier, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::fit::{edge_marked, fit_line, fit_title};
use super::{dim, draw_completion, error_style, pane, style_of};
use crate::graphql::complexity::{thousands, OperationComplexity, MAX_REQUESTED};
use crate::graphql::diagnostics::Diagnostic;
use crate::graphql::highlight::{graphql_document, Highlights, Run};
use crate::text::sanitize_line;
use crate::tui::app::{App, Focus};
use crate::tui::editor::{matches_on_line, viewport, Field, FieldDraft, PortalEdit};
use crate::tui::wrap;

pub fn draw_fields(frame: &mut Frame, app: &App, area: Rect) {
    let Some(portal) = app.selected_portal() else {
        frame.render_widget(pane(" Portal ".into(), false), area);
        return;
    };
    let edit = app.selected_edit();
    let draft = edit
        .map(|e| e.fields.clone())
        .unwrap_or_else(|| FieldDraft::of(portal));
    let base = FieldDraft::of(portal);
    let server_error = edit.and_then(|e| e.server_error.as_ref());
    let label = |name: &str, changed: bool| {
        let mark = if changed { "*" } else { " " };
        Span::styled(format!("{name}{mark} "), dim())
    };
    let value = |text: &str, none: &str| {
        if text.is_empty() {
            Span::styled(none.to_owned(), dim().italic())
        } else {
            Span::raw(sanitize_line(text))
        }
    };
    let created_by = portal
        .created_by
        .as_ref()
        .map(|c| format!(" by {}", sanitize_line(c.display_name())))
        .unwrap_or_default();
    let yes_no = |b: bool| if b { "yes" } else { "no" };
    let token = vec![
        label("Token", false),
        Span::raw(if app.has_token(&portal.slug) {
            "stored"
        } else {
            "not stored"
        }),
    ];
    let access = vec![
        label("Allowed IPs", draft.allowed_ips != base.allowed_ips),
        value(&draft.allowed_ips, "any address"),
        Span::raw("   "),
        label(
            "User-invokable",
            draft.user_invokable != base.user_invokable,
        ),
        Span::raw(yes_no(draft.user_invokable)),
        Span::raw("   "),
    ];
    // With --dir, the difference from the portal's files takes the Created line.
    let mut created = match &app.declared {
        Some(declared) => vec![
            label("File", false),
            Span::raw(sanitize_line(&declared.summary(portal))),
        ],
        None => vec![
            label("Created", false),
            // To the minute: the seconds and their fractions cut "by NAME" at 80 columns.
            Span::raw(format!(
                "{}{created_by}",
                crate::text::readable_time(&portal.created_at, false)
            )),
        ],
    };
    // Where the access line has no room for the token's state, it leads the
    // last line (the less needed end of which gives way).
    let width = |spans: &[Span]| spans.iter().map(Span::width).sum::<usize>();
    let (access, created) = if width(&access) + width(&token) <= inner_width(area) {
        ([access, token].concat(), created)
    } else {
        created.insert(0, Span::raw("   "));
        (access, [token, created].concat())
    };
    let mut lines = vec![
        fit_line(
            vec![
                label("Name", draft.name != base.name),
                value(&draft.name, "(none)").bold(),
                Span::raw("   "),
                label("Slug", draft.slug != base.slug),
                value(&draft.slug, "(none)"),
            ],
            area,
        ),
        fit_line(
            [
                vec![label("Description", draft.description != base.description)],
                description(&draft.description, &app.list.filter),
            ]
            .concat(),
            area,
        ),
        fit_line(access, area),
        fit_line(created, area),
    ];
    lines.extend(last_rows(app, portal, server_error, area));
    let saving = if edit.is_some_and(|e| e.saving) {
        " · saving…"
    } else {
        ""
    };
    let title = fit_title(&format!(" {}{saving} ", sanitize_line(&portal.name)), area);
    frame.render_widget(Paragraph::new(lines).block(pane(title, false)), area);
}

/// Below the fields: the server's refusal of the last save (then, with
/// room, why the list marks the portal `!`), or why it is marked `!`, or
/// the keys' reminder.
fn last_rows(
    app: &App,
    portal: &crate::buildkite::Portal,
    server_error: Option<&(Option<Field>, String)>,
    area: Rect,
) -> Vec<Line<'static>> {
    let reasons = app.risk_reasons(portal);
    let reason_rows = |room: usize| -> Vec<Line<'static>> {
        reason_lines(&reasons, inner_width(area), room)
            .into_iter()
            .map(|line| fit_line(vec![Span::styled(line, error_style())], area))
            .collect()
    };
    match server_error {
        Some((field, message)) => {
            let place = match field {
                Some(Field::Name) => "Name: ",
                Some(Field::Slug) => "Slug: ",
                Some(Field::Description) => "Description: ",
                Some(Field::AllowedIps) => "Allowed IPs: ",
                Some(Field::UserInvokable) => "User-invokable: ",
                Some(Field::Query) => "Document: ",
                None => "",
            };
            let mut rows = vec![fit_line(
                vec![Span::styled(
                    format!("✗ {place}{}", sanitize_line(message)),
                    error_style(),
                )],
                area,
            )];
            // The `!`'s reasons still hold: below, in the rows left.
            let room = inner_rows(area).saturating_sub(FIELD_LINES + 1);
            if room > 0 {
                rows.extend(reason_rows(room));
            }
            rows
        }
        // Why the list marks it `!`, in place of the keys' reminder.
        None => match reason_rows(inner_rows(area).saturating_sub(FIELD_LINES).max(1)) {
            reasons if !reasons.is_empty() => reasons,
            _ => vec![Line::from(Span::styled(
                "f edit fields · Ctrl-s save · Ctrl-r run",
                dim(),
            ))],
        },
    }
}

/// Lines of fields above the last rows (the keys, a server's refusal, or
/// the reasons for a `!`).
const FIELD_LINES: usize = 4;

/// Most rows the reasons for a `!` take: the document keeps the rest.
const MOST_REASON_ROWS: u16 = 4;
/// On a short screen, where the document has fewer rows to give.
const MOST_REASON_ROWS_SHORT: u16 = 2;

fn inner_rows(area: Rect) -> usize {
    usize::from(area.height.saturating_sub(2))
}

fn inner_width(area: Rect) -> usize {
    usize::from(area.width.saturating_sub(2))
}

/// Rows inside the fields pane at `area` (its width is what counts): the
/// fields, then the reasons for the selected portal's `!`, each on its own
/// lines, wrapped, within `MOST_REASON_ROWS`.
pub(crate) fn field_rows(app: &App, area: Rect) -> u16 {
    let normal = crate::tui::layout::FIELD_ROWS;
    let Some(portal) = app.selected_portal() else {
        return normal;
    };
    if area.width <= 2 {
        return normal;
    }
    let reasons = app.risk_reasons(portal);
    if reasons.is_empty() {
        return normal;
    }
    // A refusal of the last save takes the first of the last rows.
    let refusal = u16::from(
        app.selected_edit()
            .is_some_and(|e| e.server_error.is_some()),
    );
    let most = if app.screen.height < crate::tui::layout::SHORT_SCREEN {
        MOST_REASON_ROWS_SHORT
    } else {
        MOST_REASON_ROWS
    } - refusal;
    let lines = reason_lines(&reasons, inner_width(area), usize::from(most)).len();
    FIELD_LINES as u16 + refusal + (lines as u16).clamp(1, most)
}

/// `reasons`, each `! ` and its words wrapped to `width`, in at most `room`
/// lines: when wrapped they do not fit, one cut line each, and past `room`
/// reasons a last line saying how many more.
fn reason_lines(reasons: &[String], width: usize, room: usize) -> Vec<String> {
    let reasons: Vec<String> = reasons.iter().map(|r| sanitize_line(r)).collect();
    let wrapped: Vec<String> = reasons
        .iter()
        .flat_map(|reason| {
            crate::tui::wrap::wrap(reason, width.saturating_sub(2))
                .into_iter()
                .enumerate()
                .map(|(i, part)| format!("{} {part}", if i == 0 { "!" } else { " " }))
        })
        .collect();
    if wrapped.len() <= room {
        return wrapped;
    }
    let mut lines: Vec<String> = reasons
        .iter()
        .map(|reason| crate::tui::wrap::cut(&format!("! {reason}"), width))
        .collect();
    if lines.len() > room {
        let kept = room.saturating_sub(1);
        let more = lines.len() - kept;
        lines.truncate(kept);
        lines.push(format!(
            "! and {more} more: `bkportals audit` lists them all"
        ));
    }
    lines
}

pub fn draw_document(frame: &mut Frame, app: &App, area: Rect) {
    let focused = app.focus == Focus::Document && app.dialogs.is_empty();
    let Some(portal) = app.selected_portal() else {
        frame.render_widget(pane(" Document ".into(), focused), area);
        return;
    };
    let edit = app.selected_edit();
    let dirty = edit.is_some_and(|e| e.document_dirty());
    let diagnostics: &[Diagnostic] = edit.map_or(&[], |e| &e.diagnostics);
    let title = match (dirty, diagnostics.len()) {
        (false, 0) => " Document ".to_owned(),
        (true, 0) => " Document ● modified ".to_owned(),
        (_, _) => format!(
            " Document{} ✗ {} ",
            if dirty { " ● modified" } else { "" },
            crate::graphql::diagnostics::summary(diagnostics)
        ),
    };
    let mut block = pane(title, focused);
    // The complexity verdict is never dropped: the find's keys and the
    // cursor's place (an edit's) give way to its shortest form first.
    let note = match edit {
        Some(edit) => app.editing_complexity(edit),
        None => app.viewing_complexity(portal),
    }
    .map(|op| complexity_notes(&op));
    let kept = note
        .as_ref()
        .and_then(|(texts, verdict, _)| texts.last().filter(|_| *verdict))
        .map_or(0, |text| Span::raw(text).width() + 1);
    let border = usize::from(area.width).saturating_sub(2);
    let position = edit.map(|edit| position_line(edit, focused, border.saturating_sub(kept)));
    let room = border.saturating_sub(position.as_ref().map_or(0, |p| p.width() + 1));
    if let Some((texts, verdict, style)) = note {
        let fitting = texts.iter().find(|text| Span::raw(*text).width() <= room);
        if let Some(text) = fitting.or_else(|| texts.last().filter(|_| verdict)) {
            block =
                block.title_bottom(Line::from(Span::styled(text.clone(), style)).left_aligned());
        }
    }
    if let Some(position) = position {
        block = block.title_bottom(position);
    }
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let owned_lines: Vec<String>;
    let lines: &[String] = match edit {
        Some(edit) => edit.document.lines(),
        None => {
            owned_lines = portal.query.split('\n').map(str::to_owned).collect();
            &owned_lines
        }
    };
    let highlights = edit.and_then(PortalEdit::highlights);
    let shown = DocumentText {
        lines,
        highlights: highlights.as_deref(),
        diagnostics,
        scroll: edit.map_or(0, |e| e.scroll),
        cursor: edit.map(PortalEdit::cursor),
        focused,
        selection: edit.and_then(|e| e.document.selection_range()),
        find: edit
            .and_then(|e| e.find.as_ref())
            .map(|f| f.needle.as_str()),
    };
    if let Some((x, y)) = draw_document_text(frame, inner, &shown) {
        if let Some(popup) = app.completion.as_ref().filter(|p| p.slug == portal.slug) {
            draw_completion(frame, &popup.completion, popup.selected, (x, y), inner);
        }
    }
}

/// The bottom border: the find being typed or kept (which match the
/// cursor is on, of how many), and the cursor's line:column, on the right
/// (the left is free for other notes), in at most `room` columns: the
/// find's keys go first, then the cursor's place, then the needle is cut.
fn position_line(edit: &PortalEdit, focused: bool, room: usize) -> Line<'static> {
    let (row, column) = edit.cursor();
    let position = Span::styled(
        format!(" Ln {}, Col {} ", row + 1, column + 1),
        if focused { Style::new() } else { dim() },
    );
    let Some(find) = &edit.find else {
        return Line::from(position).right_aligned();
    };
    let count = match edit.match_position() {
        Some((Some(k), n)) => format!(" · {k} of {n}"),
        Some((None, 1)) => " · 1 match".to_owned(),
        Some((None, n)) => format!(" · {n} matches"),
        None => String::new(),
    };
    let (cursor, keys) = if find.typing {
        ("▏", "Enter keep · Esc close")
    } else {
        ("", "F3/Ctrl-n next · Ctrl-p previous · Esc close")
    };
    let found = |needle: &str| {
        Span::styled(
            format!(" find: {needle}{cursor}{count} "),
            Style::new().fg(Color::Yellow),
        )
    };
    let needle = sanitize_line(&find.needle);
    let mut widest = vec![found(&needle)];
    if focused {
        // Its keys follow the count after a separator, as the count does the needle.
        widest.push(Span::styled(format!("· {keys} "), dim()));
    }
    widest.push(position.clone());
    let candidates = [widest, vec![found(&needle), position], vec![found(&needle)]];
    let fitting = candidates
        .into_iter()
        .map(Line::from)
        .find(|line| line.width() <= room);
    fitting
        .unwrap_or_else(|| {
            // Even the find alone is too wide: its needle is cut.
            let fixed = found("").width();
            Line::from(found(&wrap::cut(&needle, room.saturating_sub(fixed))))
        })
        .right_aligned()
}

/// The bottom border's left: what the operation being edited requests, as
/// Buildkite counts it before running (`~503 points`), yellow from where
/// `check` warns, red over the limit Buildkite refuses. The texts it may
/// take, longest first (its name first, then without it, then with the
/// verdict shortened: the verdict itself is never dropped), whether it has
/// a verdict, and its style.
fn complexity_notes(op: &OperationComplexity) -> (Vec<String>, bool, Style) {
    let unit = if op.requested == 1 { "point" } else { "points" };
    let figure = format!("~{} {unit}", thousands(op.requested));
    let (verdict, short, style) = if op.over_limit() {
        (
            format!(" · over {}: refused", thousands(MAX_REQUESTED)),
            " · refused",
            error_style().bold(),
        )
    } else if op.near_limit() {
        (
            format!(" · near the {} limit", thousands(MAX_REQUESTED)),
            " · near limit",
            Style::new().fg(Color::Yellow).bold(),
        )
    } else {
        (String::new(), "", dim())
    };
    let mut longest_first = Vec::new();
    if let Some(name) = &op.name {
        longest_first.push(format!(" {} {figure}{verdict} ", sanitize_line(name)));
    }
    longest_first.push(format!(" {figure}{verdict} "));
    longest_first.push(format!(" {figure}{short} "));
    (longest_first, !verdict.is_empty(), style)
}

/// A GraphQL document to draw: numbered, highlighted lines, errors
/// underlined and listed under the text, the selection and find matches marked.
#[derive(Default)]
pub struct DocumentText<'a> {
    pub lines: &'a [String],
    /// The lines' highlighting, made once per revision; without it small
    /// documents are lexed here and large ones line by line.
    pub highlights: Option<&'a Highlights>,
    pub diagnostics: &'a [Diagnostic],
    pub scroll: usize,
    pub cursor: Option<(usize, usize)>,
    pub focused: bool,
    /// From (row, column) up to, not including, (row, column).
    pub selection: Option<((usize, usize), (usize, usize))>,
    /// Text whose occurrences are marked (find).
    pub find: Option<&'a str>,
}

/// Documents without cached highlighting (the creation form's) are lexed
/// whole up to this many lines, so block strings keep their colour.
const LEX_WHOLE_LINES: usize = 2_000;

/// Draws `doc` into `inner`; returns where the cursor went, when focused
/// and on screen.
pub fn draw_document_text(
    frame: &mut Frame,
    inner: Rect,
    doc: &DocumentText,
) -> Option<(u16, u16)> {
    if inner.height == 0 || inner.width == 0 {
        return None;
    }
    let (lines, diagnostics) = (doc.lines, doc.diagnostics);
    let view = viewport(
        inner,
        lines.len(),
        diagnostics.len(),
        doc.scroll,
        doc.cursor.filter(|_| doc.focused),
    );
    let (scroll, text_rows, hscroll) = (view.first, view.rows, view.hscroll);
    let number_width = view.gutter - 3;
    let diagnostic_rows = (inner.height as usize).saturating_sub(text_rows);

    let lexed_here;
    let highlights = match doc.highlights {
        Some(highlights) => Some(highlights),
        None if lines.len() <= LEX_WHOLE_LINES => {
            lexed_here = graphql_document(&lines.join("\n"));
            Some(&lexed_here)
        }
        None => None,
    };
    // A blank document has nothing to mark (an end-of-line `◂` there would
    // point at nothing); its one diagnostic says it is empty.
    let blank = lines.len() <= 1 && lines.iter().all(|l| l.trim().is_empty());
    let mut rendered: Vec<Line> = Vec::with_capacity(text_rows + diagnostic_rows);
    for (row, line) in lines.iter().enumerate().skip(scroll).take(text_rows) {
        let has_error = diagnostics.iter().any(|d| d.line == row + 1);
        let number_style = if has_error { error_style() } else { dim() };
        let mut spans = vec![Span::styled(
            format!("{:>number_width$} │ ", row + 1),
            number_style,
        )];
        let underlines: Vec<(usize, usize)> = diagnostics
            .iter()
            .filter(|d| d.line == row + 1 && !blank)
            .map(|d| (d.column - 1, d.column - 1 + d.width))
            .collect();
        let found = doc
            .find
            .map(|needle| matches_on_line(line, needle))
            .unwrap_or_default();
        let marks = Marks {
            underlines: &underlines,
            selected: selected_on(doc.selection, row),
            found: &found,
        };
        let alone;
        let runs = match highlights {
            Some(highlights) => highlights.line(row),
            None => {
                alone = graphql_document(line);
                alone.line(0)
            }
        };
        // One char more than fits, so a line going on past the edge shows
        // its `›` (and `‹` when scrolled sideways).
        let text = highlighted(line, runs, &marks, hscroll, view.width + 1);
        spans.extend(edge_marked(
            text,
            view.width,
            hscroll > 0 && !line.is_empty(),
        ));
        rendered.push(Line::from(spans));
    }
    while rendered.len() < text_rows {
        rendered.push(Line::default());
    }
    let shown = diagnostics.len().min(diagnostic_rows);
    for (i, d) in diagnostics.iter().take(shown).enumerate() {
        // The last row shown counts those left out, whole: the message gives way.
        let more = match diagnostics.len() - shown {
            hidden if hidden > 0 && i + 1 == shown => format!("  (+{hidden} more)"),
            _ => String::new(),
        };
        let message = format!("✗ {}:{} {}", d.line, d.column, sanitize_line(&d.message));
        let room = usize::from(inner.width).saturating_sub(wrap::width(&more));
        rendered.push(Line::from(Span::styled(
            wrap::cut(&message, room) + &more,
            error_style(),
        )));
    }
    frame.render_widget(Paragraph::new(rendered), inner);

    let (row, col) = doc.cursor.filter(|_| doc.focused)?;
    if row < scroll || row >= scroll + text_rows {
        return None;
    }
    let line = lines.get(row)?;
    let before: String = line
        .chars()
        .skip(hscroll)
        .take(col.saturating_sub(hscroll))
        .collect();
    let x = inner.x as usize + view.gutter + Span::raw(sanitize_line(&before)).width();
    let y = inner.y as usize + row - scroll;
    if x >= (inner.x + inner.width) as usize {
        return None;
    }
    frame.set_cursor_position(Position::new(x as u16, y as u16));
    Some((x as u16, y as u16))
}

/// The chars of line `row` inside `selection`; a selection that goes on
/// past the line's end marks one more (the line break).
fn selected_on(
    selection: Option<((usize, usize), (usize, usize))>,
    row: usize,
) -> Option<(usize, usize)> {
    let ((start_row, start_col), (end_row, end_col)) = selection?;
    if row < start_row || row > end_row {
        return None;
    }
    let from = if row == start_row { start_col } else { 0 };
    let to = if row == end_row { end_col } else { usize::MAX };
    (to > from).then_some((from, to))
}

/// One line of GraphQL, highlighted, as a whole line.
pub(crate) fn highlighted_line(line: &str) -> Line<'static> {
    let runs = graphql_document(line);
    Line::from(highlighted(
        line,
        runs.line(0),
        &Marks::default(),
        0,
        usize::MAX / 2,
    ))
}

/// What is marked on a line, as char ranges: errors, the selection, find matches.
#[derive(Default)]
struct Marks<'a> {
    underlines: &'a [(usize, usize)],
    selected: Option<(usize, usize)>,
    found: &'a [(usize, usize)],
}

/// A character as `sanitize_line` shows it (one for one, so char indexes
/// stay those of the line).
fn shown_char(c: char) -> char {
    match c {
        '\t' | '\u{2028}' | '\u{2029}' => ' ',
        c if crate::text::is_unsafe(c) => '\u{fffd}',
        c => c,
    }
}

pub(crate) fn selection_style() -> Style {
    Style::new().bg(Color::Blue).fg(Color::White)
}

pub(crate) fn found_style() -> Style {
    Style::new().bg(Color::Yellow).fg(Color::Black)
}

/// One line of GraphQL as styled spans from its `runs`, with its `marks`,
/// starting at char `skip` and at most `width` chars.
fn highlighted(
    line: &str,
    runs: &[Run],
    marks: &Marks,
    skip: usize,
    width: usize,
) -> Vec<Span<'static>> {
    let inside = |ranges: &[(usize, usize)], i: usize| ranges.iter().any(|&(s, e)| i >= s && i < e);
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut run = String::new();
    let mut run_style = Style::new();
    let mut at = 0usize; // char index in the line
    let end = skip.saturating_add(width);
    let chars = line.chars().count();
    // An error past the end of the line (at EOF) still shows a mark.
    let eol_mark = marks.underlines.iter().any(|&(start, _)| start >= chars);
    for piece in runs {
        let base = style_of(piece.kind);
        let text = line.get(piece.range.clone()).unwrap_or_default();
        // Sanitized char by char, so char indexes stay those of the line.
        for c in text.chars().map(shown_char) {
            let index = at;
            at += 1;
            if index < skip || index >= end {
                continue;
            }
            let mut style = base;
            if inside(marks.found, index) {
                style = style.patch(found_style());
            }
            if inside(marks.underlines, index) {
                style = style
                    .add_modifier(Modifier::UNDERLINED)
                    .underline_color(Color::Red)
                    .fg(Color::Red);
            }
            if marks.selected.is_some_and(|(s, e)| index >= s && index < e) {
                style = style.patch(selection_style());
            }
            if style != run_style && !run.is_empty() {
                spans.push(Span::styled(std::mem::take(&mut run), run_style));
            }
            run_style = style;
            run.push(c);
        }
    }
    if !run.is_empty() {
        spans.push(Span::styled(run, run_style));
    }
    if marks.selected.is_some_and(|(_, e)| e > chars) && chars < end {
        spans.push(Span::styled(" ", selection_style()));
    }
    if eol_mark {
        spans.push(Span::styled("◂", error_style()));
    }
    spans
}

/// The description's value, the characters the list's filter matched in
/// it marked as in the list (the filter matches descriptions too, and the
/// list shows only names and slugs).
fn description(text: &str, filter: &str) -> Vec<Span<'static>> {
    if text.is_empty() {
        return vec![Span::styled("none", dim().italic())];
    }
    let text = sanitize_line(text);
    let matches = (!filter.is_empty())
        .then(|| crate::graphql::fuzzy::Fuzzy::new(filter).indices(&text))
        .flatten()
        .unwrap_or_default();
    let all = text.chars().count();
    super::list_row::marked(&text, all, &matches, Style::new())
}
