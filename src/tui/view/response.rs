//! The response viewer: the answer's title, the lines above its body (not
//! JSON, GraphQL errors), and the body, highlighted, with folds that say
//! what they hide, search matches marked, long lines wrapped or scrolled
//! sideways.

use memchr::memmem;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::fit::{edge_marked, fit_title};
use super::{dim, error_style, pane, spinner, style_of};
use crate::graphql::highlight::json_line;
use crate::text::sanitize_line;
use crate::tui::app::{Answer, App, Focus};
use crate::tui::response::fold_note;
use crate::tui::run::{HeaderKind, ResponseView};
use crate::tui::wrap;

/// A match of the search.
pub(crate) fn match_style() -> Style {
    Style::new().fg(Color::Black).bg(Color::Yellow)
}

/// The match the cursor is on.
pub(crate) fn current_match_style() -> Style {
    Style::new().fg(Color::Black).bg(Color::LightRed).bold()
}

fn cursor_line_style() -> Style {
    Style::new().bg(Color::Rgb(40, 40, 60))
}

pub fn draw_response(frame: &mut Frame, app: &App, area: Rect) {
    let focused = app.focus == Focus::Response && app.dialogs.is_empty();
    let slug = app.selected_portal().map(|p| p.slug.as_str());
    let running_here = slug.is_some() && app.running.as_ref().map(|r| r.slug.as_str()) == slug;
    let Some(answer) = app.selected_answer() else {
        let block = pane(" Response ".into(), focused);
        let hint = if running_here {
            format!("{} Running…", spinner(app))
        } else {
            "Run the portal (Ctrl-r) to see its answer here.".to_owned()
        };
        // Wrapped: a narrow pane shows all of it, full stop included.
        let lines: Vec<Line> = wrap::wrap(&hint, usize::from(area.width.saturating_sub(2)))
            .into_iter()
            .map(|part| Line::from(Span::styled(part, dim())))
            .collect();
        frame.render_widget(Paragraph::new(lines).block(block), area);
        return;
    };
    let view = &answer.view;
    let title = response_title(
        app,
        answer,
        slug.unwrap_or_default(),
        running_here,
        usize::from(area.width.saturating_sub(2)),
    );
    let title = fit_title(&title, area);
    let mut block = pane(title, focused);
    if let Some(input) = &view.filtering {
        block = block.title_bottom(Line::from(jq_prompt(
            &sanitize_line(input.value()),
            usize::from(area.width.saturating_sub(2)),
        )));
    } else if let Some(input) = &view.searching {
        // Searched as typed: what the text typed so far finds.
        let found = match &view.search {
            Some(_) if !input.value().is_empty() => format!(" · {}", search_position(view)),
            _ => String::new(),
        };
        block = block.title_bottom(Line::from(format!(
            " /{}▏{found} ",
            sanitize_line(input.value())
        )));
    } else {
        let search = view.search.as_ref().map(|search| {
            // n/N only where there is a match to go to.
            let keys = if view.matches.found().is_empty() {
                ""
            } else {
                " (n/N)"
            };
            format!(
                "/{} · {}{keys}",
                sanitize_line(search),
                search_position(view)
            )
        });
        let room = usize::from(area.width.saturating_sub(2));
        let edge = match (search, &view.filter) {
            (search, Some(_)) => Some(filtered_edge(search.as_deref(), room)),
            (Some(search), None) => Some(format!(" {search} ")),
            (None, None) => None,
        };
        if let Some(edge) = edge {
            block = block.title_bottom(Line::from(Span::styled(edge, dim())));
        }
    }
    let inner = block.inner(area);
    frame.render_widget(block, area);

    let width = inner.width as usize;
    let mut lines: Vec<Line> = view
        .header_lines(width)
        .into_iter()
        .map(|(kind, text)| {
            let style = match kind {
                HeaderKind::Note => dim(),
                HeaderKind::ErrorCount => error_style().bold(),
                HeaderKind::Error => error_style(),
            };
            Line::from(Span::styled(wrap::cut(&sanitize_line(&text), width), style))
        })
        .collect();
    let height = (inner.height as usize).saturating_sub(lines.len());
    if view.wrap {
        lines.extend(wrapped_body(view, focused, height, width));
    } else {
        for index in view.visible_lines(height) {
            let current = focused && index == view.cursor;
            let (marker, spans) = body_line(view, index, current);
            let mut spans_shown = vec![marker];
            // Past the pane's edges: `›` at the right, `‹` at the left.
            let any = spans.iter().any(|span| !span.content.is_empty());
            let shown = skip_columns(spans, view.column);
            let room = width.saturating_sub(1);
            spans_shown.extend(edge_marked(shown, room, view.column > 0 && any));
            let mut line = Line::from(spans_shown);
            if current {
                line = line.style(cursor_line_style());
            }
            lines.push(line);
        }
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// The bottom edge under a jq filter, in `room` columns: how to clear it
/// always, after a search in its result when one is on (cut first).
fn filtered_edge(search: Option<&str>, room: usize) -> String {
    let hints = [
        "| Ctrl-u Enter: the whole answer",
        "| Ctrl-u Enter: all",
        "| Ctrl-u ⏎: all",
    ];
    if let Some(search) = search {
        for hint in hints {
            let both = format!(" {search} · {hint} ");
            if wrap::width(&both) <= room {
                return both;
            }
        }
        let hint = hints[1];
        let left = room.saturating_sub(wrap::width(hint) + 5);
        if left >= 8 {
            return format!(" {} · {hint} ", wrap::cut(search, left));
        }
    }
    hints
        .iter()
        .map(|hint| format!(" {hint} "))
        .find(|edge| wrap::width(edge) <= room)
        .unwrap_or_else(|| format!(" {} ", hints[2]))
}

/// Where the cursor is among the search's matches: "k of N", N with a `+`
/// while the count goes on (what is counted so far).
fn search_position(view: &ResponseView) -> String {
    let more = if view.matches.is_complete() { "" } else { "+" };
    let counted = view.matches.found().len();
    match view.match_position() {
        Some((k, n)) => format!("{k} of {n}{more}"),
        None if counted == 0 && more.is_empty() => "no match".to_owned(),
        None if counted == 0 => "counting…".to_owned(),
        None => format!("{counted}{more} lines match"),
    }
}

/// The body with long lines wrapped: from the first visible line, or later
/// when the cursor's line would not fit on screen otherwise.
fn wrapped_body(
    view: &ResponseView,
    focused: bool,
    height: usize,
    width: usize,
) -> Vec<Line<'static>> {
    let rows_of = |index: usize| {
        let (marker, spans) = body_line(view, index, false);
        wrap_spans(marker, spans, width).len()
    };
    let mut first = view.body.line_at_row(view.scroll);
    let lines: Vec<usize> = view.visible_lines(height).collect();
    let mut used = 0;
    let cursor_fits = lines.iter().any(|&index| {
        used += rows_of(index);
        index == view.cursor && used <= height
    });
    if !cursor_fits && view.cursor >= first {
        first = view.cursor;
    }
    let mut out = Vec::new();
    let mut index = first;
    while out.len() < height && index < view.body.line_count() {
        let current = focused && index == view.cursor;
        let (marker, spans) = body_line(view, index, current);
        for mut line in wrap_spans(marker, spans, width) {
            if current {
                line = line.style(cursor_line_style());
            }
            out.push(line);
        }
        index = view.body.next_visible(index);
    }
    out.truncate(height);
    out
}

/// Line `index` as spans: its fold marker, and its text (highlighted,
/// matches marked, a fold saying how many lines it hides).
fn body_line(
    view: &ResponseView,
    index: usize,
    current: bool,
) -> (Span<'static>, Vec<Span<'static>>) {
    let body = &view.body;
    let text = sanitize_line(&body.line_text(index));
    let folded = body.is_folded(index);
    let marker = match (body.closing(index), folded) {
        (Some(_), true) => "▸",
        (Some(_), false) => "▾",
        _ => " ",
    };
    let runs: Vec<(Style, String)> = if body.is_json() {
        json_line(&text)
            .into_iter()
            .map(|(k, t)| (style_of(k), t.to_owned()))
            .collect()
    } else {
        vec![(Style::new(), text.clone())]
    };
    let ranges = view
        .search
        .as_deref()
        .map(|needle| match_ranges(&text, needle))
        .unwrap_or_default();
    let style = if current {
        current_match_style()
    } else {
        match_style()
    };
    let mut spans = mark_ranges(runs, &ranges, style);
    if let (true, Some(close)) = (folded, body.closing(index)) {
        spans.push(Span::styled(fold_note(close - index), dim().reversed()));
    }
    (Span::styled(marker, dim()), spans)
}

/// Byte ranges of `needle` in `text`, ignoring ASCII case when the needle
/// has no capitals (as the search does).
pub(crate) fn match_ranges(text: &str, needle: &str) -> Vec<(usize, usize)> {
    if needle.is_empty() {
        return Vec::new();
    }
    let ignore_case = !needle.chars().any(char::is_uppercase);
    let hay = if ignore_case {
        text.to_ascii_lowercase()
    } else {
        text.to_owned()
    };
    memmem::find_iter(hay.as_bytes(), needle.as_bytes())
        .map(|at| (at, at + needle.len()))
        .filter(|&(a, b)| text.is_char_boundary(a) && text.is_char_boundary(b))
        .collect()
}

/// `runs` as spans, with the bytes in `ranges` drawn in `style`.
fn mark_ranges(
    runs: Vec<(Style, String)>,
    ranges: &[(usize, usize)],
    style: Style,
) -> Vec<Span<'static>> {
    if ranges.is_empty() {
        return runs.into_iter().map(|(s, t)| Span::styled(t, s)).collect();
    }
    let mut spans = Vec::new();
    let mut offset = 0;
    for (run_style, text) in runs {
        let end = offset + text.len();
        let mut cut = offset;
        for &(a, b) in ranges.iter().filter(|(a, b)| *a < end && *b > offset) {
            let (a, b) = (a.max(offset), b.min(end));
            if a > cut {
                spans.push(Span::styled(
                    text[cut - offset..a - offset].to_owned(),
                    run_style,
                ));
            }
            spans.push(Span::styled(text[a - offset..b - offset].to_owned(), style));
            cut = b;
        }
        if cut < end {
            spans.push(Span::styled(text[cut - offset..].to_owned(), run_style));
        }
        offset = end;
    }
    spans
}

/// `spans` without their first `columns` columns (scrolled sideways).
fn skip_columns(spans: Vec<Span<'static>>, columns: usize) -> Vec<Span<'static>> {
    let mut left = columns;
    let mut out = Vec::new();
    for span in spans {
        if left == 0 {
            out.push(span);
            continue;
        }
        let mut kept = String::new();
        for c in span.content.chars() {
            let w = wrap::width(c.encode_utf8(&mut [0; 4]));
            if left >= w && left > 0 {
                left -= w;
            } else {
                left = 0;
                kept.push(c);
            }
        }
        if !kept.is_empty() {
            out.push(Span::styled(kept, span.style));
        }
    }
    out
}

/// The marker and spans hard-wrapped into lines of `width` columns; the
/// lines after the first start under the text, past the marker.
fn wrap_spans(
    marker: Span<'static>,
    spans: Vec<Span<'static>>,
    width: usize,
) -> Vec<Line<'static>> {
    let room = width.saturating_sub(1).max(1);
    let mut lines = vec![vec![marker]];
    let mut used = 0;
    for span in spans {
        let mut piece = String::new();
        for c in span.content.chars() {
            let w = wrap::width(c.encode_utf8(&mut [0; 4]));
            if used + w > room {
                if !piece.is_empty() {
                    let done = std::mem::take(&mut piece);
                    if let Some(line) = lines.last_mut() {
                        line.push(Span::styled(done, span.style));
                    }
                }
                // The marker column says the row goes on from the one above.
                lines.push(vec![Span::styled("↪", dim())]);
                used = 0;
            }
            piece.push(c);
            used += w;
        }
        if !piece.is_empty() {
            if let Some(line) = lines.last_mut() {
                line.push(Span::styled(piece, span.style));
            }
        }
    }
    lines.into_iter().map(Line::from).collect()
}

/// The answer belongs to its portal (and operation): the title says which,
/// with the status, the time and what else a person should know (a jq
/// filter by its text), fitted to `width` columns.
fn response_title(
    app: &App,
    answer: &Answer,
    slug: &str,
    running_here: bool,
    width: usize,
) -> String {
    let view = &answer.view;
    let slug = sanitize_line(slug);
    let operation = answer.operation.as_deref().map(sanitize_line);
    let filter = view
        .filter
        .as_ref()
        .map(|(filter, _)| sanitize_line(filter));
    let facts = title_facts(app, view, running_here);
    // The slug (maybe cut) then the operation, whole or cut.
    let of = |slug: &str, operation: &str| -> String {
        [slug, operation]
            .into_iter()
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let parted = |named: bool, of: &str, label: Option<&str>, between: &str| {
        let parts: Vec<String> = named
            .then(|| "Response".to_owned())
            .into_iter()
            .chain(label.map(str::to_owned))
            .chain((!of.is_empty()).then(|| of.to_owned()))
            .chain(facts.iter().cloned())
            .collect();
        format!(" {} ", parts.join(between))
    };
    let title = |named: bool, of: &str, label: Option<&str>| parted(named, of, label, " · ");
    let label = |prefix: &str, text_width: usize| {
        filter
            .as_deref()
            .map(|f| format!("{prefix} `{}`", wrap::cut(f, text_width)))
    };
    let fits = |title: &String| wrap::width(title) <= width;
    let op = operation.as_deref().unwrap_or_default();
    let full_label = label("filtered by jq", FILTER_SHOWN);
    let full = title(true, &of(&slug, op), full_label.as_deref());
    if fits(&full) {
        return full;
    }
    // What gives way, in turn: the pane's name and the slug (cut, then
    // gone), the filter's text, then its words down to `jq`, and only then
    // the operation's name, which says which answer this is; the numbers
    // change from run to run and stay whole.
    for named in [true, false] {
        let made = fit_with(&slug, SLUG_AT_LEAST, width, |slug| {
            title(named, &of(slug, op), full_label.as_deref())
        });
        if let Some(made) = made {
            return made;
        }
    }
    let alone = title(false, op, full_label.as_deref());
    if fits(&alone) {
        return alone;
    }
    let short_label = filter.as_ref().map(|_| "jq");
    if let Some(filter) = filter.as_deref() {
        let least = wrap::width(filter).min(FILTER_AT_LEAST);
        for prefix in ["filtered by jq", "jq"] {
            let shown = wrap::cut(filter, FILTER_SHOWN);
            let made = fit_with(&shown, least, width, |shown| {
                title(false, op, Some(&format!("{prefix} `{shown}`")))
            });
            if let Some(made) = made {
                return made;
            }
        }
    }
    // Last, the filter as `jq`, then the parts closer together, the
    // operation whole, then cut.
    let spaced = title(false, op, short_label);
    if fits(&spaced) {
        return spaced;
    }
    let close = |op: &str| parted(false, op, short_label, "·");
    fit_with(op, OPERATION_AT_LEAST, width, close).unwrap_or_else(|| close(""))
}

/// `make` of `text` cut (with `…`) to the most columns that make it fit
/// `width`, keeping at least `least` of them (all, when shorter); `None`
/// when even that is too wide.
fn fit_with(
    text: &str,
    least: usize,
    width: usize,
    make: impl Fn(&str) -> String,
) -> Option<String> {
    let whole = wrap::width(text);
    (least.min(whole)..=whole)
        .rev()
        .map(|columns| make(&wrap::cut(text, columns)))
        .find(|made| wrap::width(made) <= width)
}

/// The title's numbers and states: status, time, rate limit, what the body
/// is (on disk, arriving, cut to its first lines).
fn title_facts(app: &App, view: &ResponseView, running_here: bool) -> Vec<String> {
    let mut facts = vec![
        format!("HTTP {}", view.status),
        format!("{} ms", view.elapsed_ms),
    ];
    if running_here && view.arrival.is_none() {
        facts.push(format!("{} running again…", spinner(app)));
    }
    if let Some((remaining, limit)) = view.rate_limit {
        facts.push(format!("{remaining}/{limit} left"));
    }
    if view.body.source().spilled_to().is_some() {
        facts.push(format!("{} MB, kept on disk", view.body.raw().len() >> 20));
    }
    if let Some(arrival) = &view.arrival {
        let so_far = crate::tui::response::amount(arrival.received);
        facts.push(match &arrival.stopped {
            Some(why) => format!("{why} after {so_far}, not whole"),
            None if arrival.complete => format!("all {so_far} in, indexing…"),
            None => format!("{} receiving {so_far}…", spinner(app)),
        });
    }
    if view.body.truncated() {
        facts.push(format!(
            "first {} lines shown, s saves all",
            crate::tui::body::MAX_LINES
        ));
    }
    facts
}

/// Columns of the operation's name kept, at the very least, when nothing
/// else is left to give way.
const OPERATION_AT_LEAST: usize = 4;

/// Columns of a jq filter the title shows.
const FILTER_SHOWN: usize = 30;

/// Columns of a jq filter's text worth keeping before its words shorten.
const FILTER_AT_LEAST: usize = 8;

/// Columns of the slug worth keeping in the title before the numbers go.
const SLUG_AT_LEAST: usize = 8;

/// The jq filter being typed, on the bottom border's `room` columns: the
/// hint shortens before the filter is cut (from its start, so the end
/// being typed stays in view), never clipped without a sign.
fn jq_prompt(filter: &str, room: usize) -> String {
    let hints = [
        " (Enter; Ctrl-u Enter: the whole answer) ",
        " (Enter) ",
        " ",
    ];
    for hint in hints {
        let text = format!(" jq: {filter}▏{hint}");
        if wrap::width(&text) <= room {
            return text;
        }
    }
    let fixed = wrap::width(" jq: ▏ ");
    let reversed: String = filter.chars().rev().collect();
    let tail: String = wrap::cut(&reversed, room.saturating_sub(fixed))
        .chars()
        .rev()
        .collect();
    // The cut's `…` ends the reversed text: it now starts the filter.
    format!(" jq: {tail}▏ ")
}
