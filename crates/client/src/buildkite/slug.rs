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

/// Why Buildkite would refuse `slug` as a portal's slug (it takes
/// lowercase letters, digits and dashes, no dash at either end), said
/// before anything is sent; None when it would take it.
pub fn slug_problem(slug: &str) -> Option<String> {
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
    if slug.is_empty() {
        return Some("a slug cannot be empty".into());
    }
    if let Some(wrong) = slug.chars().find(|&c| !allowed(c)) {
        let wrong = crate::text::sanitize_line(&wrong.to_string());
        return Some(format!(
            "`{wrong}` is not allowed in a slug: use lowercase letters, digits and dashes (e.g. `{}`)",
            slug_from_name(slug)
        ));
    }
    (slug.starts_with('-') || slug.ends_with('-'))
        .then(|| "a slug cannot start or end with a dash".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slug_buildkite_would_refuse_is_said_with_what_to_use() {
        assert_eq!(slug_problem("deploy-web-2"), None);
        let said = slug_problem("Bad Slug!").expect("refused");
        assert!(said.contains("`B` is not allowed"), "{said}");
        assert!(said.contains("e.g. `bad-slug`"), "{said}");
        assert!(slug_problem("-web").is_some());
        assert!(slug_problem("web-").is_some());
        assert!(slug_problem("").is_some());
    }

    #[test]
    fn names_become_slugs_as_buildkite_makes_them() {
        assert_eq!(slug_from_name("Trigger main build"), "trigger-main-build");
        assert_eq!(slug_from_name("Nightly Report!"), "nightly-report");
        assert_eq!(slug_from_name("  --Ops: Builds (v2)-- "), "ops-builds-v2");
        assert_eq!(slug_from_name("app_trunc 2"), "app-trunc-2");
        assert_eq!(slug_from_name("日本"), "");
    }
}
