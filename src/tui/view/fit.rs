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
