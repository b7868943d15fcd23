//! Screen geometry, computed from the terminal size alone so that drawing and
//! mouse hit-testing (and editor scrolling in `update`) agree.

use ratatui::layout::Rect;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    pub list: Rect,
    pub fields: Rect,
    pub document: Rect,
    pub variables: Rect,
    pub response: Rect,
    pub footer: Rect,
    /// The panes' names, on short screens where some are out of sight.
    pub tabs: Rect,
}

/// Rows the portal's fields take (inside their border), when the reasons
/// for its `!` fit on the last one.
pub const FIELD_ROWS: u16 = 5;

/// Below this height the screen is short: the document and the run panes
/// take turns (as tabs) instead of sharing the rows.
pub const SHORT_SCREEN: u16 = 30;

/// The panes, for geometry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    List,
    Document,
    Variables,
    Response,
}

/// What the geometry depends on besides the screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arrangement {
    /// The focused pane gets the larger share (or all of it, zoomed).
    pub focus: Pane,
    pub zoomed: bool,
    /// Rows of the footer (a long message wraps onto more).
    pub footer_rows: u16,
    /// Rows inside the fields pane: `FIELD_ROWS`, more for several reasons
    /// of a `!`.
    pub field_rows: u16,
}

// Plain arithmetic, not ratatui's `Layout`: its constraint solver took a
// tenth of the time from `main` to the first frame (each split solved once,
// then cached). A test holds the two to the same rectangles.
pub fn areas(screen: Rect, arrangement: Arrangement) -> Areas {
    let footer_rows = arrangement
        .footer_rows
        .clamp(1, screen.height.saturating_sub(3).max(1));
    let footer_rows = footer_rows_in(screen.height, footer_rows);
    let (main, footer) = split_rows(screen, screen.height - footer_rows);
    let none = Rect::default();
    let mut areas = Areas {
        list: none,
        fields: none,
        document: none,
        variables: none,
        response: none,
        footer,
        tabs: none,
    };
    let run_first = matches!(arrangement.focus, Pane::Variables | Pane::Response);
    if arrangement.zoomed {
        match arrangement.focus {
            Pane::List => areas.list = main,
            Pane::Document => areas.document = main,
            Pane::Variables => areas.variables = main,
            Pane::Response => areas.response = main,
        }
        return areas;
    }
    if screen.height < SHORT_SCREEN {
        let (tabs, rest) = split_rows(main, 1);
        areas.tabs = tabs;
        if run_first {
            // The run panes take the whole width: the list can wait.
            (areas.variables, areas.response) = split_columns(rest, 40);
        } else {
            let (list, right) = split_columns(rest, 30);
            let (fields, document) = split_rows(right, arrangement.field_rows + 2);
            (areas.list, areas.fields, areas.document) = (list, fields, document);
        }
        return areas;
    }
    let (list, right) = split_columns(main, 30);
    let (fields, below) = split_rows(right, arrangement.field_rows + 2);
    let share = if run_first { 25 } else { 55 };
    let (document, run) = split_rows(below, percent_of(right.height, share));
    let (variables, response) = split_columns(run, 40);
    Areas {
        list,
        fields,
        document,
        variables,
        response,
        footer,
        tabs: none,
    }
}

/// `area` cut in two across its rows: the upper `rows` of them (at most
/// all), and the rest below.
fn split_rows(area: Rect, rows: u16) -> (Rect, Rect) {
    let rows = rows.min(area.height);
    let upper = Rect {
        height: rows,
        ..area
    };
    let lower = Rect {
        y: area.y + rows,
        height: area.height - rows,
        ..area
    };
    (upper, lower)
}

/// `area` cut in two side by side, the left `percent` of its columns.
fn split_columns(area: Rect, percent: u16) -> (Rect, Rect) {
    let left_columns = percent_of(area.width, percent);
    let left = Rect {
        width: left_columns,
        ..area
    };
    let right = Rect {
        x: area.x + left_columns,
        width: area.width - left_columns,
        ..area
    };
    (left, right)
}

/// `percent` of `length`, rounded to the nearest (half away from zero).
fn percent_of(length: u16, percent: u16) -> u16 {
    ((u32::from(length) * u32::from(percent) + 50) / 100) as u16
}

/// The footer's rows on a screen `height` tall: the main area keeps 3 rows
/// while there are more than 3, and one on a smaller screen.
fn footer_rows_in(height: u16, wanted: u16) -> u16 {
    wanted.min(height.saturating_sub(if height > 3 { 3 } else { 1 }))
}

/// Rows of text inside a bordered area.
pub fn inner_height(area: Rect) -> usize {
    area.height.saturating_sub(2) as usize
}

pub fn contains(area: Rect, column: u16, row: u16) -> bool {
    column >= area.x && column < area.x + area.width && row >= area.y && row < area.y + area.height
}

/// A centered rectangle of at most `width` x `height`.
pub fn centered(screen: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(screen.width);
    let height = height.min(screen.height);
    Rect {
        x: screen.x + (screen.width - width) / 2,
        y: screen.y + (screen.height - height) / 2,
        width,
        height,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::{Constraint, Layout};

    /// The geometry as ratatui's constraint solver gives it, which the
    /// arithmetic of `areas` replaced.
    fn solved(screen: Rect, arrangement: Arrangement) -> Areas {
        let footer_rows = arrangement
            .footer_rows
            .clamp(1, screen.height.saturating_sub(3).max(1));
        let [main, footer] =
            Layout::vertical([Constraint::Min(3), Constraint::Length(footer_rows)]).areas(screen);
        let mut areas = Areas {
            list: Rect::default(),
            fields: Rect::default(),
            document: Rect::default(),
            variables: Rect::default(),
            response: Rect::default(),
            footer,
            tabs: Rect::default(),
        };
        let run_first = matches!(arrangement.focus, Pane::Variables | Pane::Response);
        let fifty_fifty = |area, left| {
            Layout::horizontal([
                Constraint::Percentage(left),
                Constraint::Percentage(100 - left),
            ])
            .areas::<2>(area)
        };
        if arrangement.zoomed {
            match arrangement.focus {
                Pane::List => areas.list = main,
                Pane::Document => areas.document = main,
                Pane::Variables => areas.variables = main,
                Pane::Response => areas.response = main,
            }
        } else if screen.height < SHORT_SCREEN {
            let [tabs, rest] =
                Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(main);
            areas.tabs = tabs;
            if run_first {
                [areas.variables, areas.response] = fifty_fifty(rest, 40);
            } else {
                let [list, right] = fifty_fifty(rest, 30);
                let [fields, document] = Layout::vertical([
                    Constraint::Length(arrangement.field_rows + 2),
                    Constraint::Fill(1),
                ])
                .areas(right);
                (areas.list, areas.fields, areas.document) = (list, fields, document);
            }
        } else {
            let [list, right] = fifty_fifty(main, 30);
            let [fields, document, run] = Layout::vertical([
                Constraint::Length(arrangement.field_rows + 2),
                Constraint::Percentage(if run_first { 25 } else { 55 }),
                Constraint::Fill(1),
            ])
            .areas(right);
            [areas.variables, areas.response] = fifty_fifty(run, 40);
            (areas.list, areas.fields, areas.document) = (list, fields, document);
        }
        areas
    }

    #[test]
    fn the_panes_are_where_the_constraint_solver_put_them_at_every_size() {
        // Below 4 rows the solver's answers are its own (a footer of none):
        // `a_screen_of_a_few_rows_keeps_its_footer` holds those.
        for width in [1, 2, 3, 7, 10, 33, 79, 80, 81, 100, 139, 140, 141, 203, 320] {
            for height in (4..=45).chain([60, 90, 200]) {
                for focus in [Pane::List, Pane::Document, Pane::Variables, Pane::Response] {
                    for (zoomed, footer_rows, field_rows) in [
                        (false, 1, FIELD_ROWS),
                        (false, 4, 9),
                        (true, 2, FIELD_ROWS),
                        (false, 30, 1),
                    ] {
                        let screen = Rect::new(0, 0, width, height);
                        let arrangement = Arrangement {
                            focus,
                            zoomed,
                            footer_rows,
                            field_rows,
                        };
                        assert_eq!(
                            areas(screen, arrangement),
                            solved(screen, arrangement),
                            "{width}x{height}, {arrangement:?}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn a_screen_of_a_few_rows_keeps_its_footer() {
        let arrangement = Arrangement {
            focus: Pane::List,
            zoomed: false,
            footer_rows: 3,
            field_rows: FIELD_ROWS,
        };
        for height in 2..=3 {
            let screen = Rect::new(0, 0, 80, height);
            let areas = areas(screen, arrangement);
            assert_eq!(areas.footer, Rect::new(0, height - 1, 80, 1));
            assert_eq!(areas.tabs, Rect::new(0, 0, 80, 1), "{height} rows");
        }
        let one_row = areas(Rect::new(0, 0, 80, 1), arrangement);
        assert_eq!((one_row.footer.height, one_row.tabs.height), (0, 1));
    }
}
