//! The sandbox's organization: seed data, portals, and their persistence.
//!
//! Written from Buildkite's docs on its own: it shares no types with the client.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::credentials::Credential;

const SEED: &str = include_str!("../assets/sandbox-seed.json");

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Organization {
    pub uuid: String,
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct User {
    pub uuid: String,
    pub name: String,
    pub email: String,
    pub created_at: String,
    /// "admin" or "member".
    #[serde(default)]
    pub role: String,
    /// Pipelines this user may build; "*" for all.
    #[serde(default)]
    pub can_build: Vec<String>,
}

impl User {
    pub fn may_build(&self, pipeline: &str) -> bool {
        self.can_build.iter().any(|p| p == "*" || p == pipeline)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ApiToken {
    pub token: String,
    pub user: String,
    pub description: String,
    pub scopes: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Pipeline {
    pub uuid: String,
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    pub repository: String,
    pub default_branch: String,
    pub created_at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Build {
    pub uuid: String,
    pub pipeline: String,
    pub number: i32,
    pub branch: String,
    pub commit: String,
    pub message: Option<String>,
    pub state: String,
    pub created_by: String,
    pub created_at: String,
    #[serde(default)]
    pub started_at: Option<String>,
    #[serde(default)]
    pub finished_at: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PortalRecord {
    pub uuid: String,
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    pub query: String,
    pub allowed_ip_addresses: Option<String>,
    pub user_invokable: bool,
    pub created_at: String,
    pub created_by: String,
    /// Long-lived service tokens (admin-level); the seed names one `token`.
    #[serde(
        rename = "tokens",
        alias = "token",
        deserialize_with = "crate::credentials::one_or_many"
    )]
    pub tokens: Vec<Credential>,
    /// Portal secrets, for ephemeral tokens (`client_credentials`); at most two.
    #[serde(default)]
    pub secrets: Vec<Credential>,
}

/// A code of the user-invoked (device code) flow.
#[derive(Debug, Clone)]
pub struct DeviceCode {
    pub code: String,
    pub secret: String,
    pub portal_uuid: String,
    pub expires: std::time::Instant,
    pub approved_by: Option<String>,
    pub denied: bool,
    pub used: bool,
}

/// A short-lived portal token: a user's (device code) or admin-level (ephemeral).
#[derive(Debug, Clone)]
pub struct ShortToken {
    pub token: String,
    pub portal_uuid: String,
    /// `None` for an ephemeral token, which has admin-level permissions.
    pub user: Option<String>,
    pub expires: std::time::Instant,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct World {
    pub organization: Organization,
    pub users: Vec<User>,
    pub api_tokens: Vec<ApiToken>,
    pub pipelines: Vec<Pipeline>,
    pub builds: Vec<Build>,
    pub portals: Vec<PortalRecord>,
    #[serde(skip)]
    pub codes: Vec<DeviceCode>,
    #[serde(skip)]
    pub short_tokens: Vec<ShortToken>,
}

/// What `--state FILE` keeps across restarts.
#[derive(Serialize, Deserialize)]
struct SavedState {
    portals: Vec<PortalRecord>,
    builds: Vec<Build>,
}

impl World {
    pub fn seeded() -> World {
        serde_json::from_str(SEED).expect("assets/sandbox-seed.json is valid (checked by tests)")
    }

    pub fn user(&self, uuid: &str) -> Option<&User> {
        self.users.iter().find(|u| u.uuid == uuid)
    }

    pub fn token(&self, token: &str) -> Option<&ApiToken> {
        self.api_tokens.iter().find(|t| t.token == token)
    }

    pub fn portal(&self, slug: &str) -> Option<&PortalRecord> {
        self.portals.iter().find(|p| p.slug == slug)
    }

    pub fn pipeline(&self, slug: &str) -> Option<&Pipeline> {
        self.pipelines.iter().find(|p| p.slug == slug)
    }

    /// Replaces portals and builds with those saved in `path`, if it exists.
    pub fn load_state(&mut self, path: &Path) -> Result<(), String> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(format!("could not read {}: {e}", path.display())),
        };
        let saved: SavedState = serde_json::from_str(&text)
            .map_err(|e| format!("{} is not a sandbox state file: {e}", path.display()))?;
        self.portals = saved.portals;
        self.builds = saved.builds;
        Ok(())
    }

    pub fn save_state(&self, path: &Path) -> std::io::Result<()> {
        let saved = SavedState {
            portals: self.portals.clone(),
            builds: self.builds.clone(),
        };
        let text = serde_json::to_vec_pretty(&saved).map_err(std::io::Error::other)?;
        // Replaced whole (a temp file beside it, renamed over it), so a kill
        // never leaves half a state; the temp file is the owner's only.
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        let mut file = tempfile::NamedTempFile::new_in(dir)?;
        std::io::Write::write_all(&mut file, &text)?;
        file.as_file().sync_all()?;
        file.persist(path).map(drop).map_err(|e| e.error)
    }

    /// Adds `count` generated portals with varied names, descriptions and documents.
    pub fn generate_portals(&mut self, count: usize) {
        const VERBS: [&str; 8] = [
            "Deploy", "Trigger", "Inspect", "Audit", "Rebuild", "Report", "Watch", "Sync",
        ];
        const THINGS: [&str; 10] = [
            "payments",
            "web app",
            "mobile release",
            "nightly tests",
            "infra plan",
            "docs site",
            "search index",
            "billing jobs",
            "data pipeline",
            "security scan",
        ];
        const DESCRIPTIONS: [Option<&str>; 4] = [
            Some("Used by the release bot"),
            None,
            Some("Read-only view for the support team"),
            Some("Called from the deploy dashboard; keep the document small"),
        ];
        let user = self
            .users
            .first()
            .map(|u| u.uuid.clone())
            .unwrap_or_default();
        let pipelines: Vec<String> = self.pipelines.iter().map(|p| p.slug.clone()).collect();
        let org = self.organization.slug.clone();
        for i in 0..count {
            let name = format!(
                "{} {} {}",
                VERBS[i % VERBS.len()],
                THINGS[(i / VERBS.len()) % THINGS.len()],
                i + 1
            );
            let pipeline = pipelines
                .get(i % pipelines.len().max(1))
                .cloned()
                .unwrap_or_default();
            let query = match i % 3 {
                0 => format!(
                    "query Builds{i}($first: Int = 5) {{\n  pipeline(slug: \"{org}/{pipeline}\") {{\n    builds(first: $first) {{\n      edges {{\n        node {{\n          number\n          state\n        }}\n      }}\n    }}\n  }}\n}}\n"
                ),
                1 => format!(
                    "query Pipelines{i} {{\n  organization(slug: \"{org}\") {{\n    pipelines(first: 20) {{\n      count\n    }}\n  }}\n}}\n"
                ),
                _ => format!(
                    "mutation Trigger{i}($pipelineID: ID!) {{\n  buildCreate(input: {{ pipelineID: $pipelineID, branch: \"main\" }}) {{\n    build {{\n      url\n    }}\n  }}\n}}\n"
                ),
            };
            let slug = self.unique_slug(&slugify(&name));
            self.portals.push(PortalRecord {
                uuid: uuid::Uuid::new_v4().to_string(),
                slug,
                name,
                description: DESCRIPTIONS[i % DESCRIPTIONS.len()].map(str::to_owned),
                query,
                allowed_ip_addresses: (i % 7 == 0).then(|| "127.0.0.0/8 ::1/128".to_owned()),
                user_invokable: i % 5 == 0,
                created_at: now_timestamp(),
                created_by: user.clone(),
                tokens: vec![new_portal_token()],
                secrets: vec![Credential::generate(crate::credentials::SECRET_PREFIX)],
            });
        }
    }

    /// `base`, or `base-2`, `base-3`... whichever is free.
    pub fn unique_slug(&self, base: &str) -> String {
        if self.portal(base).is_none() {
            return base.to_owned();
        }
        (2..)
            .map(|n| format!("{base}-{n}"))
            .find(|s| self.portal(s).is_none())
            .unwrap_or_else(|| base.to_owned())
    }
}

/// "Trigger main build!" -> "trigger-main-build"
pub fn slugify(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_owned()
}

pub fn now_timestamp() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// The long-lived token a new portal gets.
pub fn new_portal_token() -> Credential {
    Credential::generate(crate::credentials::TOKEN_PREFIX)
}

/// `bytes` random bytes as lowercase hex.
pub fn random_hex(bytes: usize) -> String {
    use rand::RngCore;
    let mut buffer = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buffer);
    buffer.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_is_consistent() {
        let world = World::seeded();
        assert!(!world.portals.is_empty());
        for build in &world.builds {
            assert!(world.pipeline(&build.pipeline).is_some(), "{build:?}");
            assert!(world.user(&build.created_by).is_some());
        }
        for portal in &world.portals {
            assert_eq!(portal.slug, slugify(&portal.name), "{}", portal.name);
        }
    }

    #[test]
    fn slugs_are_derived_and_unique() {
        assert_eq!(slugify("  Trigger main build! "), "trigger-main-build");
        assert_eq!(slugify("Déploy  v2"), "d-ploy-v2");
        let mut world = World::seeded();
        world.generate_portals(30);
        let mut slugs: Vec<_> = world.portals.iter().map(|p| p.slug.clone()).collect();
        slugs.sort();
        slugs.dedup();
        assert_eq!(slugs.len(), world.portals.len());
        assert_eq!(world.unique_slug("who-am-i"), "who-am-i-2");
    }
}
