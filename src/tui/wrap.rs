//! Fitting text into columns by display width: wrapping messages at word
//! boundaries, cutting a value with an ellipsis, and hard-wrapping an input's
//! value so a cursor can be placed in it.

use unicode_width::UnicodeWidthChar;

fn width_of(c: char) -> usize {
    c.width().unwrap_or(0)
}

/// The display width of `text`.
pub fn width(text: &str) -> usize {
    text.chars().map(width_of).sum()
}

/// `text` in lines of at most `columns`, broken between words; a word
/// longer than a line is broken inside. Never empty: "" gives one empty line.
pub fn wrap(text: &str, columns: usize) -> Vec<String> {
    let columns = columns.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for word in text.split(' ') {
        let word_width = width(word);
        let gap = usize::from(!line.is_empty());
        if used + gap + word_width <= columns {
            if gap == 1 {
                line.push(' ');
            }
            line.push_str(word);
            used += gap + word_width;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
            used = 0;
        }
        for c in word.chars() {
            let w = width_of(c);
            if used + w > columns && !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                used = 0;
            }
            line.push(c);
            used += w;
        }
    }
    lines.push(line);
    lines
}

/// `text`'s lines each made safe and wrapped to `columns` (blank ones left
/// out): a message of several lines keeps its line breaks.
pub fn wrap_lines(text: &str, columns: usize) -> Vec<String> {
    crate::text::sanitize_lines(text)
        .lines()
        .flat_map(|line| wrap(line, columns))
        .collect()
}

/// `text` wrapped to `columns` in at most `rows` rows, the last ending in
/// ` …` when something was left out.
pub fn wrap_at_most(text: &str, columns: usize, rows: usize) -> Vec<String> {
    let mut lines = wrap_lines(text, columns);
    keep_rows(&mut lines, rows, columns);
    lines
}

/// At most `rows` of `lines` (`columns` wide), the last ending in ` …` when
/// some were left out.
pub fn keep_rows(lines: &mut Vec<String>, rows: usize, columns: usize) {
    if lines.len() > rows {
        lines.truncate(rows.max(1));
        if let Some(last) = lines.last_mut() {
            *last = cut(&format!("{last} …"), columns);
        }
    }
}

/// `text` cut to `columns`, ending in `…` when something was left out.
pub fn cut(text: &str, columns: usize) -> String {
    if width(text) <= columns {
        return text.to_owned();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = width_of(c);
        if used + w + 1 > columns {
            break;
        }
        out.push(c);
        used += w;
    }
    if columns > 0 {
        out.push('…');
    }
    out
}

/// The end of `text` in `columns`, starting with `…` when its start was
/// left out: what is being typed stays in sight.
pub fn cut_start(text: &str, columns: usize) -> String {
    if width(text) <= columns {
        return text.to_owned();
    }
    let mut kept = Vec::new();
    let mut used = 0;
    for c in text.chars().rev() {
        let w = width_of(c);
        if used + w + 1 > columns {
            break;
        }
        kept.push(c);
        used += w;
    }
    let tail: String = kept.into_iter().rev().collect();
    if columns > 0 {
        format!("…{tail}")
    } else {
        tail
    }
}

/// `text` hard-wrapped into pieces of at most `columns`, with the char
/// index each piece starts at (for placing a cursor). Never empty.
pub fn pieces(text: &str, columns: usize) -> Vec<(usize, String)> {
    let columns = columns.max(1);
    let mut out = vec![(0, String::new())];
    let mut used = 0;
    for (i, c) in text.chars().enumerate() {
        let w = width_of(c);
        if used + w > columns {
            out.push((i, String::new()));
            used = 0;
        }
        if let Some((_, piece)) = out.last_mut() {
            piece.push(c);
        }
        used += w;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_wrap_and_long_words_break() {
        assert_eq!(
            wrap("expects a DateTime (ISO 8601)", 12),
            ["expects a", "DateTime", "(ISO 8601)"]
        );
        assert_eq!(wrap("abcdefgh", 3), ["abc", "def", "gh"]);
        assert_eq!(wrap("", 5), [""]);
        assert_eq!(
            wrap("日本語です", 4),
            ["日本", "語で", "す"],
            "by display width"
        );
    }

    #[test]
    fn a_cut_value_says_so() {
        assert_eq!(cut("demo/web-app", 20), "demo/web-app");
        assert_eq!(cut("demo/web-app", 6), "demo/…");
    }

    #[test]
    fn pieces_know_where_they_start() {
        assert_eq!(
            pieces("abcdefg", 3),
            [(0, "abc".into()), (3, "def".into()), (6, "g".into())]
        );
        assert_eq!(pieces("", 3), [(0, String::new())]);
    }
}
