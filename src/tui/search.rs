//! Substring search over a response body with memchr's SIMD scans: an exact
//! needle through `memmem`; one without capitals ignores ASCII case, by
//! scanning for its rarest byte (both cases of it) and checking around
//! each hit. A 50 MB body that does not hold the needle is one scan.

use memchr::{memchr, memchr2, memmem};

/// Calls `found` with the offset of each match, from `from` on; `found`
/// says where to look next (past what it has seen), or `None` to stop.
pub fn each_match(
    haystack: &[u8],
    needle: &[u8],
    ignore_case: bool,
    from: usize,
    mut found: impl FnMut(usize) -> Option<usize>,
) {
    if needle.is_empty() || needle.len() > haystack.len() {
        return;
    }
    let mut at = from;
    if !ignore_case {
        let finder = memmem::Finder::new(needle);
        while at < haystack.len() {
            let Some(hit) = finder.find(&haystack[at..]) else {
                return;
            };
            match found(at + hit) {
                Some(next) if next > at + hit => at = next,
                Some(_) => at += hit + 1,
                None => return,
            }
        }
        return;
    }
    let pivot = rarest(needle);
    let byte = needle[pivot];
    let (lower, upper) = (byte.to_ascii_lowercase(), byte.to_ascii_uppercase());
    // Candidates are where the pivot byte can be: `at + pivot` on.
    let mut scan = at + pivot;
    let last_start = haystack.len() - needle.len();
    while scan < haystack.len() {
        let rest = &haystack[scan..];
        let hit = if lower == upper {
            memchr(lower, rest)
        } else {
            memchr2(lower, upper, rest)
        };
        let Some(hit) = hit else {
            return;
        };
        let start = scan + hit - pivot;
        if start > last_start {
            return;
        }
        if haystack[start..start + needle.len()].eq_ignore_ascii_case(needle) {
            match found(start) {
                Some(next) if next > start => scan = next + pivot,
                Some(_) => scan = start + pivot + 1,
                None => return,
            }
        } else {
            scan = start + pivot + 1;
        }
    }
}

/// The needle's byte least likely in JSON and English text, to scan for.
fn rarest(needle: &[u8]) -> usize {
    let commonness = |b: u8| -> u8 {
        match b.to_ascii_lowercase() {
            b' ' | b'"' | b':' | b',' | b'e' | b't' | b'a' | b'o' | b'i' | b'n' => 250,
            b's' | b'r' | b'{' | b'}' | b'h' | b'l' | b'd' => 220,
            b'0'..=b'9' => 200,
            b'c' | b'u' | b'm' | b'w' | b'f' | b'g' | b'y' | b'p' | b'b' => 150,
            b'v' | b'k' | b'/' | b'.' | b'-' | b'_' => 100,
            b'j' | b'x' | b'q' | b'z' => 30,
            128.. => 20,
            _ => 60,
        }
    };
    (0..needle.len())
        .min_by_key(|&i| commonness(needle[i]))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(haystack: &str, needle: &str, ignore_case: bool) -> Vec<usize> {
        let mut hits = Vec::new();
        each_match(
            haystack.as_bytes(),
            needle.as_bytes(),
            ignore_case,
            0,
            |at| {
                hits.push(at);
                Some(at + 1)
            },
        );
        hits
    }

    #[test]
    fn finds_every_match_in_either_case_or_exactly() {
        let text = "Web web WEB wEb we";
        assert_eq!(all(text, "web", true), [0, 4, 8, 12]);
        assert_eq!(all(text, "Web", false), [0]);
        assert_eq!(all(text, "zz", true), Vec::<usize>::new());
        assert_eq!(all("aaa", "aa", true), [0, 1], "overlapping");
        assert_eq!(
            all("x-1 x-2", "-2", true),
            [5],
            "a pivot that is not a letter"
        );
        assert_eq!(all("ab", "abc", true), Vec::<usize>::new());
    }

    #[test]
    fn the_caller_decides_where_to_look_next() {
        let mut hits = Vec::new();
        each_match(b"a1 a2\na3 a4", b"a", true, 0, |at| {
            hits.push(at);
            Some(if at < 6 { 6 } else { 11 }) // the next line
        });
        assert_eq!(hits, [0, 6]);
    }
}
