//! Fitting drawn text into its place: what does not fit is cut by display
//! width and ends in `…` (through `wrap::cut`, the one cutter), never
//! clipped at a border without a sign.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::tui::wrap;

/// `spans` within `width` columns: past it, the span that crosses the edge
/// is cut with `…` and the rest left out.
pub(crate) fn fit_spans(spans: Vec<Span<'static>>, width: usize) -> Vec<Span<'static>> {
    let total: usize = spans.iter().map(Span::width).sum();
    if total <= width {
        return spans;
    }
    let mut out = Vec::new();
    let mut used = 0;
    for span in spans {
        let w = span.width();
        if used + w < width {
            used += w;
            out.push(span);
            continue;
        }
        // More follows this span: the `…` must show even when it fits exactly.
        let cut = wrap::cut(&format!("{}…", span.content), width - used);
        out.push(Span::styled(cut, span.style));
        break;
    }
    out
}

/// A line of spans fitted inside `area`'s borders.
pub(crate) fn fit_line(spans: Vec<Span<'static>>, area: Rect) -> Line<'static> {
    Line::from(fit_spans(spans, usize::from(area.width.saturating_sub(2))))
}

/// A line's `spans` (from where it is scrolled to) in `room` columns,
/// marked where it goes on past them: a dim `›` in the last column when
/// more follows, a dim `‹` in the first when some is scrolled off to the left
/// (`cut_left`). The text under a mark gives way to it.
pub(crate) fn edge_marked(
    spans: Vec<Span<'static>>,
    room: usize,
    cut_left: bool,
) -> Vec<Span<'static>> {
    let total: usize = spans.iter().map(Span::width).sum();
    let mut out = if total > room && room > 0 {
        let mut kept = take_columns(spans, room - 1);
        kept.push(Span::styled(MORE_RIGHT, super::dim()));
        kept
    } else {
        spans
    };
    if cut_left && room > 1 {
        out = drop_first_column(out);
    }
    out
}

/// Marks that a line continues past its pane's edges, as `edge_marked` draws.
pub(crate) const MORE_RIGHT: &str = "›";
pub(crate) const MORE_LEFT: &str = "‹";

/// The first `columns` columns of `spans`; a wide character that would
/// cross the end gives way to a space, so what follows lands at `columns`.
fn take_columns(spans: Vec<Span<'static>>, columns: usize) -> Vec<Span<'static>> {
    let mut out = Vec::new();
    let mut used = 0;
    for span in spans {
        let mut kept = String::new();
        for c in span.content.chars() {
            let w = wrap::width(c.encode_utf8(&mut [0; 4]));
            if used + w > columns {
                break;
            }
            kept.push(c);
            used += w;
        }
        let full = kept.len() == span.content.len();
        if !kept.is_empty() {
            out.push(Span::styled(kept, span.style));
        }
        if !full {
            break;
        }
    }
    if used < columns {
        out.push(Span::raw(" ".repeat(columns - used)));
    }
    out
}

/// `spans` with their first column replaced by a dim `‹` (a wide character
/// there by `‹` and a space).
fn drop_first_column(spans: Vec<Span<'static>>) -> Vec<Span<'static>> {
    let mut out = vec![Span::styled(MORE_LEFT, super::dim())];
    let mut dropped = 0;
    for span in spans {
        if dropped > 0 {
            out.push(span);
            continue;
        }
        let mut chars = span.content.chars();
        let Some(first) = chars.next() else {
            continue;
        };
        dropped = wrap::width(first.encode_utf8(&mut [0; 4])).max(1);
        let rest: String = " ".repeat(dropped - 1) + chars.as_str();
        if !rest.is_empty() {
            out.push(Span::styled(rest, span.style));
        }
    }
    out
}

/// A pane's title fitted between its corners.
pub(crate) fn fit_title(title: &str, area: Rect) -> String {
    wrap::cut(title, usize::from(area.width.saturating_sub(2)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(spans: &[Span]) -> String {
        spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn spans_past_the_width_end_in_an_ellipsis() {
        let spans = || vec![Span::raw("Token  "), Span::raw("not stored")];
        assert_eq!(text(&fit_spans(spans(), 17)), "Token  not stored");
        assert_eq!(text(&fit_spans(spans(), 12)), "Token  not …");
        assert_eq!(
            text(&fit_spans(spans(), 7)),
            "Token …",
            "a span that fits exactly is cut when more follows"
        );
        let wide = vec![Span::raw("日本語です")];
        assert_eq!(text(&fit_spans(wide, 5)), "日本…", "by display width");
    }
}
