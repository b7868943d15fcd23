//! The slug Buildkite makes from a portal's name, so a create can send it:
//! a repeated create is then refused ("Slug has already been taken")
//! instead of making a second portal.

/// Lowercase ASCII letters and digits kept; every other run of characters
/// becomes one dash; no dash at either end. Empty when nothing is left.
pub fn slug_from_name(name: &str) -> String {
    let mut slug = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.truncate(slug.trim_end_matches('-').len());
    slug
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_slugs_as_buildkite_makes_them() {
        assert_eq!(slug_from_name("Trigger main build"), "trigger-main-build");
        assert_eq!(slug_from_name("Nightly Report!"), "nightly-report");
        assert_eq!(slug_from_name("  --Ops: Builds (v2)-- "), "ops-builds-v2");
        assert_eq!(slug_from_name("app_trunc 2"), "app-trunc-2");
        assert_eq!(slug_from_name("日本"), "");
    }
}
