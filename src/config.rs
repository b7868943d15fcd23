//! Settings: `config.toml` (one profile per organization), the environment, and flags.
//!
//! Precedence, strongest first: command-line flag, environment, config file, default.
//!
//! ```toml
//! default_profile = "acme"
//!
//! [profiles.acme]                    # the organization's slug
//! rest_api_endpoint = "https://api.buildkite.com/"
//! graphql_endpoint = "https://graphql.buildkite.com/v1"
//! portal_endpoint = "https://portal.buildkite.com/"
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use url::Url;

use crate::secrets::{Secret, TokenStore};

pub const DEFAULT_REST_ENDPOINT: &str = "https://api.buildkite.com/";
pub const DEFAULT_GRAPHQL_ENDPOINT: &str = "https://graphql.buildkite.com/v1";
pub const DEFAULT_PORTAL_ENDPOINT: &str = "https://portal.buildkite.com/";

pub const ENV_TOKEN: &str = "BUILDKITE_API_TOKEN";
pub const ENV_ORG: &str = "BUILDKITE_ORGANIZATION_SLUG";
pub const ENV_REST: &str = "BUILDKITE_REST_API_ENDPOINT";
pub const ENV_GRAPHQL: &str = "BUILDKITE_GRAPHQL_ENDPOINT";
pub const ENV_PORTAL: &str = "BUILDKITE_PORTAL_ENDPOINT";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    pub default_profile: Option<String>,
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub rest_api_endpoint: Option<String>,
    pub graphql_endpoint: Option<String>,
    pub portal_endpoint: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}:{line}:{column}: {message}")]
    Parse {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("could not read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("no organization chosen: pass --org SLUG, set {ENV_ORG}, or set default_profile in {config}")]
    NoOrganization { config: String },
    #[error("{what} `{value}` is not a valid URL ({reason}); fix {source_name}")]
    BadEndpoint {
        what: &'static str,
        value: String,
        reason: String,
        source_name: String,
    },
    #[error("no API token for organization `{org}`: set {ENV_TOKEN} (an API access token with the read_portals and write_portals scopes), or try the sandbox with --demo")]
    NoToken { org: String },
}

/// Where our files live (XDG on Linux, the platform's places elsewhere).
#[derive(Debug, Clone)]
pub struct Paths {
    pub config_file: PathBuf,
    pub data_dir: PathBuf,
    /// What can be fetched again (GraphQL schemas).
    pub cache_dir: PathBuf,
}

impl Paths {
    pub fn discover() -> Paths {
        match directories::ProjectDirs::from("", "", "bkportals") {
            Some(dirs) => Paths {
                config_file: dirs.config_dir().join("config.toml"),
                data_dir: dirs.data_dir().to_owned(),
                cache_dir: dirs.cache_dir().to_owned(),
            },
            None => Paths {
                config_file: PathBuf::from("bkportals-config.toml"),
                data_dir: PathBuf::from(".bkportals"),
                cache_dir: PathBuf::from(".bkportals/cache"),
            },
        }
    }

    pub fn token_store(&self) -> PathBuf {
        self.data_dir.join("tokens.toml")
    }
}

impl ConfigFile {
    /// Reads the config file; a missing file is an empty config.
    pub fn load(path: &Path) -> Result<ConfigFile, ConfigError> {
        match std::fs::read_to_string(path) {
            Ok(text) => ConfigFile::parse(path, &text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(ConfigFile::default()),
            Err(source) => Err(ConfigError::Read {
                path: path.to_owned(),
                source,
            }),
        }
    }

    /// Reads the config file; one that does not parse is moved aside (kept,
    /// never deleted) so the program can go on, and the warning says where
    /// it went and what was wrong.
    pub fn load_or_set_aside(path: &Path) -> Result<(ConfigFile, Option<String>), ConfigError> {
        match ConfigFile::load(path) {
            Err(error @ ConfigError::Parse { .. }) => {
                let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
                let mut aside = path.as_os_str().to_owned();
                aside.push(format!(".broken-{stamp}"));
                let aside = PathBuf::from(aside);
                let warning = match std::fs::rename(path, &aside) {
                    Ok(()) => format!(
                        "{error}; moved it to {} and went on without it: fix it and move it back",
                        aside.display()
                    ),
                    Err(e) => {
                        return Err(ConfigError::Read {
                            path: path.to_owned(),
                            source: e,
                        })
                    }
                };
                Ok((ConfigFile::default(), Some(warning)))
            }
            other => other.map(|file| (file, None)),
        }
    }

    pub fn parse(path: &Path, text: &str) -> Result<ConfigFile, ConfigError> {
        toml::from_str(text).map_err(|e| {
            let (line, column) = e
                .span()
                .map(|span| line_and_column(text, span.start))
                .unwrap_or((1, 1));
            ConfigError::Parse {
                path: path.to_owned(),
                line,
                column,
                message: e.message().trim().to_owned(),
            }
        })
    }
}

fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// Everything a command needs to reach one organization.
#[derive(Debug, Clone)]
pub struct Settings {
    pub org: String,
    pub api_token: Option<Secret>,
    pub rest_endpoint: Url,
    pub graphql_endpoint: Url,
    pub portal_endpoint: Url,
}

impl Settings {
    pub fn require_token(&self) -> Result<&Secret, ConfigError> {
        self.api_token
            .as_ref()
            .filter(|t| !t.is_empty())
            .ok_or_else(|| ConfigError::NoToken {
                org: self.org.clone(),
            })
    }
}

/// Combines flag, environment (`env` looks a variable up), file and token store.
pub fn resolve(
    file: &ConfigFile,
    config_path: &Path,
    env: impl Fn(&str) -> Option<String>,
    org_flag: Option<&str>,
    store: &mut TokenStore,
) -> Result<Settings, ConfigError> {
    let env = |name: &str| env(name).filter(|v| !v.trim().is_empty());
    let org = org_flag
        .map(str::to_owned)
        .or_else(|| env(ENV_ORG))
        .or_else(|| file.default_profile.clone())
        .ok_or_else(|| ConfigError::NoOrganization {
            config: config_path.display().to_string(),
        })?;
    let profile = file.profiles.get(&org).cloned().unwrap_or_default();
    let profile_source = format!("[profiles.{org}] in {}", config_path.display());
    let endpoint = |what: &'static str, var: &str, from_file: Option<String>, default: &str| {
        let (value, source_name) = match (env(var), from_file) {
            (Some(v), _) => (v, var.to_owned()),
            (None, Some(v)) => (v, profile_source.clone()),
            (None, None) => (default.to_owned(), "the default".to_owned()),
        };
        Url::parse(value.trim()).map_err(|e| ConfigError::BadEndpoint {
            what,
            value,
            reason: e.to_string(),
            source_name,
        })
    };
    Ok(Settings {
        rest_endpoint: endpoint(
            "REST endpoint",
            ENV_REST,
            profile.rest_api_endpoint,
            DEFAULT_REST_ENDPOINT,
        )?,
        graphql_endpoint: endpoint(
            "GraphQL endpoint",
            ENV_GRAPHQL,
            profile.graphql_endpoint,
            DEFAULT_GRAPHQL_ENDPOINT,
        )?,
        portal_endpoint: endpoint(
            "portal endpoint",
            ENV_PORTAL,
            profile.portal_endpoint,
            DEFAULT_PORTAL_ENDPOINT,
        )?,
        api_token: env(ENV_TOKEN)
            .map(Secret::new)
            .or_else(|| store.api_token(&org)),
        org,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    const FILE: &str = r#"
default_profile = "acme"

[profiles.acme]
rest_api_endpoint = "https://rest.example.com/"
portal_endpoint = "https://portal.example.com/"

[profiles.other]
rest_api_endpoint = "https://other.example.com/"
"#;

    fn resolve_with(
        vars: &[(&str, &str)],
        org_flag: Option<&str>,
    ) -> Result<Settings, ConfigError> {
        let file = ConfigFile::parse(Path::new("config.toml"), FILE).unwrap();
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let mut store = TokenStore::in_memory();
        store.set_api_token("acme", Secret::new("stored")).unwrap();
        resolve(
            &file,
            Path::new("config.toml"),
            |k| vars.get(k).cloned(),
            org_flag,
            &mut store,
        )
    }

    #[test]
    fn file_profile_applies_to_default_organization() {
        let s = resolve_with(&[], None).unwrap();
        assert_eq!(s.org, "acme");
        assert_eq!(s.rest_endpoint.as_str(), "https://rest.example.com/");
        assert_eq!(s.portal_endpoint.as_str(), "https://portal.example.com/");
        assert_eq!(s.graphql_endpoint.as_str(), DEFAULT_GRAPHQL_ENDPOINT);
        assert_eq!(s.api_token.unwrap().expose(), "stored");
    }

    #[test]
    fn environment_wins_over_file_and_flag_wins_over_environment() {
        let s = resolve_with(
            &[
                (ENV_ORG, "other"),
                (ENV_REST, "http://127.0.0.1:9/"),
                (ENV_TOKEN, "from-env"),
            ],
            None,
        )
        .unwrap();
        assert_eq!(s.org, "other");
        assert_eq!(s.rest_endpoint.as_str(), "http://127.0.0.1:9/");
        assert_eq!(s.api_token.unwrap().expose(), "from-env");

        let s = resolve_with(&[(ENV_ORG, "other")], Some("acme")).unwrap();
        assert_eq!(s.org, "acme");
        assert_eq!(s.rest_endpoint.as_str(), "https://rest.example.com/");
    }

    #[test]
    fn broken_file_names_file_line_and_problem() {
        let text = "default_profile = \"acme\"\n[profiles.acme]\nrest_api_endpoit = \"x\"\n";
        let err = ConfigFile::parse(Path::new("/home/me/config.toml"), text)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("/home/me/config.toml:3:1: "), "{err}");
        assert!(err.contains("rest_api_endpoit"), "{err}");
    }

    #[test]
    fn bad_endpoint_names_where_it_came_from() {
        let err = resolve_with(&[(ENV_PORTAL, "not a url")], None)
            .unwrap_err()
            .to_string();
        assert!(err.contains(ENV_PORTAL), "{err}");
    }

    #[test]
    fn missing_organization_says_how_to_choose_one() {
        let mut store = TokenStore::in_memory();
        let err = resolve(
            &ConfigFile::default(),
            Path::new("c.toml"),
            |_| None,
            None,
            &mut store,
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("--org") && err.contains(ENV_ORG), "{err}");
    }
}
