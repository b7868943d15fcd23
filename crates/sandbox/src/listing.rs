//! The orders lists come in, as the schema documents its defaults, kept here
//! so every resolver (whichever engine calls it) lists the same way.

use super::state::{Build, Pipeline, World};

/// `PipelineOrders`' default in the schema (`Organization.pipelines(order:)`).
pub const DEFAULT_PIPELINE_ORDER: &str = "RECENTLY_CREATED";

/// Newest first by a record's creation time (RFC 3339 text); ties keep their order.
pub fn recently_created<T>(items: &mut [T], created_at: impl Fn(&T) -> &str) {
    let time = |text: &str| chrono::DateTime::parse_from_rfc3339(text).ok();
    items.sort_by_key(|item| std::cmp::Reverse(time(created_at(item))));
}

/// Builds as Buildkite lists them: newest first, the higher number first
/// among builds made at the same time.
pub fn newest_builds_first<B: std::borrow::Borrow<Build>>(builds: &mut [B]) {
    builds.sort_by(|a, b| {
        let (a, b) = (a.borrow(), b.borrow());
        b.created_at
            .cmp(&a.created_at)
            .then(b.number.cmp(&a.number))
    });
}

impl World {
    /// The organization's pipelines whose name or slug contains `search`, in
    /// `order` (a `PipelineOrders` value; the schema's default when `None`).
    pub fn pipelines_in_order(&self, search: Option<&str>, order: Option<&str>) -> Vec<Pipeline> {
        let needle = search.unwrap_or_default().to_lowercase();
        let mut pipelines: Vec<Pipeline> = self
            .pipelines
            .iter()
            .filter(|p| {
                p.name.to_lowercase().contains(&needle) || p.slug.to_lowercase().contains(&needle)
            })
            .cloned()
            .collect();
        match order.unwrap_or(DEFAULT_PIPELINE_ORDER) {
            // The sandbox has no favorites, so favorites-first is by name too.
            "NAME" | "NAME_WITH_FAVORITES_FIRST" => {
                pipelines.sort_by_key(|p| p.name.to_lowercase());
            }
            // Relevance: an exact slug or name first, then names starting with the search.
            "RELEVANCE" => pipelines.sort_by_key(|p| {
                let (slug, name) = (p.slug.to_lowercase(), p.name.to_lowercase());
                let rank = if slug == needle || name == needle {
                    0
                } else if name.starts_with(&needle) || slug.starts_with(&needle) {
                    1
                } else {
                    2
                };
                (rank, name)
            }),
            _ => recently_created(&mut pipelines, |p| &p.created_at),
        }
        pipelines
    }

    /// A pipeline's builds, newest first as Buildkite lists them (so
    /// `last: N` is the oldest N), on any of `branches` when given; the
    /// branch `%default` stands for the pipeline's default branch.
    pub fn builds_of(&self, pipeline: &Pipeline, branches: Option<&[String]>) -> Vec<Build> {
        let on_branch = |build: &Build| {
            branches.is_none_or(|list| {
                list.iter().any(|b| {
                    b == &build.branch
                        || (b == "%default" && build.branch == pipeline.default_branch)
                })
            })
        };
        let mut builds: Vec<Build> = self
            .builds
            .iter()
            .filter(|b| b.pipeline == pipeline.slug && on_branch(b))
            .cloned()
            .collect();
        newest_builds_first(&mut builds);
        builds
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pipelines_default_to_recently_created() {
        let world = World::seeded();
        let slugs = |order| -> Vec<String> {
            world
                .pipelines_in_order(None, order)
                .into_iter()
                .map(|p| p.slug)
                .collect()
        };
        let mut by_creation = world.pipelines.clone();
        by_creation.sort_by(|a, b| b.created_at.cmp(&a.created_at));
        let newest_first: Vec<String> = by_creation.into_iter().map(|p| p.slug).collect();
        assert_eq!(slugs(None), newest_first);
        let mut by_name = world.pipelines.clone();
        by_name.sort_by_key(|p| p.name.to_lowercase());
        assert_eq!(
            slugs(Some("NAME")),
            by_name.into_iter().map(|p| p.slug).collect::<Vec<_>>()
        );
    }

    #[test]
    fn default_branch_stands_for_the_pipelines_branch() {
        let world = World::seeded();
        let pipeline = world.pipelines[0].clone();
        let on_default = world.builds_of(&pipeline, Some(&["%default".to_owned()]));
        assert!(!on_default.is_empty());
        assert!(on_default
            .iter()
            .all(|b| b.branch == pipeline.default_branch));
        let all = world.builds_of(&pipeline, None);
        assert!(all.windows(2).all(|w| w[0].number > w[1].number));
    }
}
