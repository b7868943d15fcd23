//! The help overlay (F1, `?`): the focused pane's keys, then the keys of
//! every pane, from the keymap. It takes the screen's width (two columns
//! when they fit), wraps each description under its own key rather than
//! cutting it, and scrolls when it is taller than the screen.

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use ratatui::Frame;

use super::{dim, pane};
use crate::text::sanitize_line;
use crate::tui::app::{App, Focus};
use crate::tui::keymap;
use crate::tui::layout;
use crate::tui::wrap;

/// Widest the overlay gets: past it lines are long to read.
const MAX_WIDTH: u16 = 160;
/// Inside width from which the keys are laid out in two columns.
const TWO_COLUMNS_FROM: usize = 90;
/// Columns between the two halves.
const GUTTER: usize = 2;

/// The overlay laid out for the screen: where it goes and every line of
/// its body (of which `rows` show at a time).
struct HelpPage {
    area: Rect,
    lines: Vec<Line<'static>>,
    rows: usize,
}

/// How many lines the help has and how many show at once, for scrolling.
pub fn help_extent(app: &App) -> (usize, usize) {
    let page = help_page(app, app.screen);
    (page.lines.len(), page.rows)
}

/// The first line shown: the scroll kept within the lines.
fn first_shown(app: &App, page: &HelpPage) -> usize {
    app.help_scroll
        .min(page.lines.len().saturating_sub(page.rows))
}

pub fn draw_help(frame: &mut Frame, app: &App) {
    let page = help_page(app, frame.area());
    let first = first_shown(app, &page);
    let total = page.lines.len();
    let shown = page.rows.min(total);
    let hint = if total > page.rows {
        format!(
            " {}–{} of {total} · ↑/↓ PgUp/PgDn Home/End scroll · other keys close ",
            first + 1,
            first + shown
        )
    } else {
        " any key closes this ".to_owned()
    };
    let title = match app.focus {
        Focus::List => " Keys · portal list ",
        Focus::Document => " Keys · document ",
        Focus::Variables => " Keys · variables ",
        Focus::Response => " Keys · response ",
    };
    let hint = wrap::cut(&hint, usize::from(page.area.width.saturating_sub(2)));
    let block = pane(title.into(), true).title_bottom(Line::from(Span::styled(hint, dim())));
    let body: Vec<Line> = page.lines.into_iter().skip(first).take(shown).collect();
    frame.render_widget(Clear, page.area);
    frame.render_widget(Paragraph::new(body).block(block), page.area);
}

fn help_page(app: &App, screen: Rect) -> HelpPage {
    let context = app.focus.context();
    let server = app.server_name();
    let row = |b: &keymap::Binding| (b.label, b.help_for(&server));
    let mut rows: Vec<(&str, String)> = keymap::bindings(context).iter().map(row).collect();
    rows.push(("", String::new()));
    rows.push(("Everywhere", String::new()));
    rows.extend(keymap::GLOBAL.iter().map(row));
    let mut notes = Vec::new();
    if context == keymap::Context::List {
        notes.push(
            "Marks: U user-invokable · T token stored · ● unsaved · D draft waiting · E being edited in another bkportals still running (not editable here until it ends)".to_owned(),
        );
        notes.push(
            "! risky (what bkportals audit warns about or fails): a mutation open to any address, or a document that does not parse or validate against the schema; the selected portal's fields say which (a user-invokable portal, which audit lists for review with `?`, is marked U, not !)"
                .to_owned(),
        );
    }
    if context == keymap::Context::Document {
        use crate::graphql::complexity::{thousands, MAX_REQUESTED, WARN_FROM};
        notes.push(format!(
            "~503 points (bottom left): what the operation at the cursor requests, as Buildkite counts it before running; yellow from {}, red over {}, which Buildkite refuses",
            thousands(WARN_FROM),
            thousands(MAX_REQUESTED)
        ));
    }
    notes.push(sanitize_line(&app.schema_note));

    let width = screen.width.saturating_sub(2).min(MAX_WIDTH);
    let inner = usize::from(width.saturating_sub(2));
    let columns = if inner >= TWO_COLUMNS_FROM { 2 } else { 1 };
    // The columns and their gutter fill the inside, never past it (one
    // column more would be clipped without its `…`).
    let column_width = inner.saturating_sub(GUTTER * (columns - 1)) / columns;
    let key_width = rows
        .iter()
        .filter(|(_, what)| !what.is_empty())
        .map(|(key, _)| wrap::width(key))
        .max()
        .unwrap_or(0)
        .min(column_width / 3);
    let entries: Vec<Vec<Cell>> = rows
        .iter()
        .map(|(key, what)| entry(key, what, key_width, column_width))
        .collect();
    let mut lines = if columns == 2 {
        side_by_side(entries, column_width)
    } else {
        entries
            .into_iter()
            .flatten()
            .map(|cell| Line::from(cell.spans))
            .collect()
    };
    lines.push(Line::default());
    for note in notes {
        lines.extend(
            wrap::wrap(&note, inner)
                .into_iter()
                .map(|part| Line::from(Span::styled(part, dim()))),
        );
    }
    let height = (lines.len() as u16 + 2).min(screen.height);
    HelpPage {
        area: layout::centered(screen, width, height),
        rows: usize::from(height.saturating_sub(2)),
        lines,
    }
}

/// One line of one column, and how wide it is drawn.
struct Cell {
    spans: Vec<Span<'static>>,
    width: usize,
}

/// A key and its description, wrapped under itself past the key's column
/// (a heading when there is no description).
fn entry(key: &str, what: &str, key_width: usize, column_width: usize) -> Vec<Cell> {
    if what.is_empty() {
        let key = wrap::cut(key, column_width);
        return vec![Cell {
            width: wrap::width(&key),
            spans: vec![Span::styled(key, dim())],
        }];
    }
    let text_width = column_width.saturating_sub(key_width + 1).max(1);
    // A key wider than its column (rare) goes on a line of its own.
    let key_alone = wrap::width(key) > key_width;
    let mut cells = Vec::new();
    if key_alone {
        let key = wrap::cut(key, column_width);
        cells.push(Cell {
            width: wrap::width(&key),
            spans: vec![Span::styled(key, Style::new().bold())],
        });
    }
    for (i, part) in wrap::wrap(what, text_width).into_iter().enumerate() {
        let label = if i == 0 && !key_alone { key } else { "" };
        let pad = key_width.saturating_sub(wrap::width(label));
        cells.push(Cell {
            width: key_width + 1 + wrap::width(&part),
            spans: vec![
                Span::styled(format!("{label}{} ", " ".repeat(pad)), Style::new().bold()),
                Span::raw(part),
            ],
        });
    }
    cells
}

/// The entries in two columns, split between entries so the halves are
/// about as tall.
fn side_by_side(entries: Vec<Vec<Cell>>, column_width: usize) -> Vec<Line<'static>> {
    let total: usize = entries.iter().map(Vec::len).sum();
    let mut left_rows = 0;
    let mut split = entries.len();
    for (i, entry) in entries.iter().enumerate() {
        if left_rows * 2 >= total {
            split = i;
            break;
        }
        left_rows += entry.len();
    }
    let mut right: Vec<Vec<Cell>> = entries;
    let left: Vec<Cell> = right.drain(..split).flatten().collect();
    let right: Vec<Cell> = right.into_iter().flatten().collect();
    let mut right = right.into_iter();
    let mut lines = Vec::new();
    let mut left = left.into_iter();
    loop {
        let (l, r) = (left.next(), right.next());
        if l.is_none() && r.is_none() {
            break;
        }
        let mut spans = Vec::new();
        let used = l.as_ref().map_or(0, |c| c.width);
        if let Some(cell) = l {
            spans.extend(cell.spans);
        }
        if let Some(cell) = r {
            spans.push(Span::raw(
                " ".repeat(column_width.saturating_sub(used) + GUTTER),
            ));
            spans.extend(cell.spans);
        }
        lines.push(Line::from(spans));
    }
    lines
}
