//! The one fuzzy matcher (nucleo's): the portal list's filter and the
//! completion list rank with it, and the list marks the characters it matched.

use nucleo_matcher::pattern::{Atom, AtomKind, CaseMatching, Normalization};
use nucleo_matcher::{Config, Matcher, Utf32Str};

pub struct Fuzzy {
    /// None for an empty needle, which needs none: the matcher's scratch
    /// space is large, and the unfiltered list (every launch) makes one.
    matcher: Option<Matcher>,
    atom: Atom,
    buf: Vec<char>,
}

impl Fuzzy {
    /// Matches `needle` as typed: case ignored, every character in order,
    /// spaces and `!`/`^` meaning themselves.
    pub fn new(needle: &str) -> Fuzzy {
        Fuzzy {
            matcher: (!needle.is_empty()).then(|| Matcher::new(Config::DEFAULT)),
            atom: Atom::new(
                needle,
                CaseMatching::Ignore,
                Normalization::Smart,
                AtomKind::Fuzzy,
                true,
            ),
            buf: Vec::new(),
        }
    }

    /// How well `haystack` matches (higher is better: contiguous runs and
    /// word starts count more); None when it does not. An empty needle
    /// matches everything equally.
    pub fn score(&mut self, haystack: &str) -> Option<u16> {
        let Some(matcher) = &mut self.matcher else {
            return Some(0);
        };
        self.atom
            .score(Utf32Str::new(haystack, &mut self.buf), matcher)
    }

    /// The char indexes of `haystack` that the needle matched, in order;
    /// None when it does not match.
    pub fn indices(&mut self, haystack: &str) -> Option<Vec<usize>> {
        let Some(matcher) = &mut self.matcher else {
            return Some(Vec::new());
        };
        let mut found = Vec::new();
        self.atom
            .indices(Utf32Str::new(haystack, &mut self.buf), matcher, &mut found)?;
        let mut found: Vec<usize> = found.into_iter().map(|i| i as usize).collect();
        found.sort_unstable();
        found.dedup();
        Some(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contiguous_and_word_start_matches_rank_higher_and_indices_are_chars() {
        let mut rec = Fuzzy::new("rec");
        let tight = rec.score("Recent builds").unwrap();
        let loose = rec.score("release checks").unwrap();
        assert!(tight > loose);
        assert_eq!(rec.score("deploy"), None);
        assert_eq!(
            rec.indices("Récent").unwrap(),
            [0, 1, 2],
            "é counts as e, by char"
        );
        assert_eq!(
            Fuzzy::new("db").indices("deploy-web-builds").unwrap(),
            [0, 11]
        );
        assert_eq!(Fuzzy::new("").score("anything"), Some(0));
        assert_eq!(
            Fuzzy::new("!x").score("a !x b").map(|_| ()),
            Some(()),
            "`!` is literal"
        );
    }
}
