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

use crate::buildkite::http::{other_server, server_said};
use crate::secrets::{Secret, TokenStore};

pub const DEFAULT_REST_ENDPOINT: &str = "https://api.buildkite.com/";
pub const DEFAULT_GRAPHQL_ENDPOINT: &str = "https://graphql.buildkite.com/v1";
pub const DEFAULT_PORTAL_ENDPOINT: &str = "https://portal.buildkite.com/";

pub const ENV_TOKEN: &str = "BUILDKITE_API_TOKEN";
pub const ENV_ORG: &str = "BUILDKITE_ORGANIZATION_SLUG";
pub const ENV_REST: &str = "BUILDKITE_REST_API_ENDPOINT";
pub const ENV_GRAPHQL: &str = "BUILDKITE_GRAPHQL_ENDPOINT";
pub const ENV_PORTAL: &str = "BUILDKITE_PORTAL_ENDPOINT";

/// Unknown keys are not errors (a newer version's file still works): each
/// gets a warning naming it and its line, in `warnings`.
#[derive(Debug, Default, Deserialize)]
pub struct ConfigFile {
    pub default_profile: Option<String>,
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
    /// "FILE:LINE:COLUMN: unknown key ..." for each key this version does not know.
    #[serde(skip)]
    pub warnings: Vec<String>,
}

const FILE_KEYS: &[&str] = &["default_profile", "profiles"];
const PROFILE_KEYS: &[&str] = &["rest_api_endpoint", "graphql_endpoint", "portal_endpoint"];

#[derive(Debug, Default, Clone, Deserialize)]
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
    #[error("no API token for organization `{org}` on {server}: run `bkportals auth login --org {org}` to store one (an API access token with the read_portals and write_portals scopes), set {ENV_TOKEN}, or try the sandbox with --demo")]
    NoToken { org: String, server: String },
    #[error("the API token stored for `{org}` belongs to {stored_for}, not {server}, so it is not sent there: sign in again (`bkportals auth login --org {org}`) to store one for {server}, set {ENV_TOKEN}, or point the endpoints back at {stored_for}")]
    TokenForAnotherServer {
        org: String,
        stored_for: String,
        server: String,
    },
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
    /// never deleted, never over an earlier copy) so the program can go on,
    /// and the warning says where it went and what was wrong. Warnings about
    /// unknown keys come back too; such a file is used, not moved.
    pub fn load_or_set_aside(path: &Path) -> Result<(ConfigFile, Vec<String>), ConfigError> {
        match ConfigFile::load(path) {
            Err(error @ ConfigError::Parse { .. }) => {
                let warning = match move_aside(path) {
                    Ok(Some(aside)) => format!(
                        "{error}; moved it to {} and went on without it: fix it and move it back",
                        aside.display()
                    ),
                    Ok(None) => format!("{error}; went on without it"),
                    Err(e) => {
                        return Err(ConfigError::Read {
                            path: path.to_owned(),
                            source: e,
                        })
                    }
                };
                Ok((ConfigFile::default(), vec![warning]))
            }
            other => other.map(|mut file| {
                let warnings = std::mem::take(&mut file.warnings);
                (file, warnings)
            }),
        }
    }

    pub fn parse(path: &Path, text: &str) -> Result<ConfigFile, ConfigError> {
        let parse_error = |e: toml::de::Error| {
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
        };
        let mut file: ConfigFile = toml::from_str(text).map_err(parse_error)?;
        file.warnings = unknown_keys(text)
            .map_err(parse_error)?
            .into_iter()
            .map(|(offset, message)| {
                let (line, column) = line_and_column(text, offset);
                format!("{}:{line}:{column}: {message}", path.display())
            })
            .collect();
        Ok(file)
    }
}

/// The keys of a file (that parsed as a config) this version does not know:
/// where each starts, and what to say about it.
fn unknown_keys(text: &str) -> Result<Vec<(usize, String)>, toml::de::Error> {
    use serde::de::IgnoredAny;
    use toml::Spanned;
    type Keys = BTreeMap<Spanned<String>, IgnoredAny>;
    #[derive(Deserialize)]
    struct ProfileKeys {
        #[serde(default)]
        profiles: BTreeMap<String, Keys>,
    }
    let known = |known: &[&str]| known.join(", ");
    let mut found = Vec::new();
    for key in toml::from_str::<Keys>(text)?.into_keys() {
        if !FILE_KEYS.contains(&key.get_ref().as_str()) {
            let message = format!(
                "unknown key `{}` (ignored); the file takes {}",
                crate::text::sanitize_line(key.get_ref()),
                known(FILE_KEYS)
            );
            found.push((key.span().start, message));
        }
    }
    for (profile, keys) in toml::from_str::<ProfileKeys>(text)?.profiles {
        for key in keys.into_keys() {
            if !PROFILE_KEYS.contains(&key.get_ref().as_str()) {
                let message = format!(
                    "unknown key `{}` in [profiles.{}] (ignored); a profile takes {}",
                    crate::text::sanitize_line(key.get_ref()),
                    crate::text::sanitize_line(&profile),
                    known(PROFILE_KEYS)
                );
                found.push((key.span().start, message));
            }
        }
    }
    found.sort();
    Ok(found)
}

/// Renames a broken file to `NAME.broken-TIME` (`-2`, `-3`... when that is
/// taken: an earlier copy is never replaced). `None` when the file is gone
/// already (another bkportals moved it at the same moment).
fn move_aside(path: &Path) -> std::io::Result<Option<PathBuf>> {
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    let mut last_error = None;
    for n in 1..=100 {
        let mut aside = path.as_os_str().to_owned();
        aside.push(format!(".broken-{stamp}"));
        if n > 1 {
            aside.push(format!("-{n}"));
        }
        let aside = PathBuf::from(aside);
        // A hard link is made only where no file is: unlike a rename, it
        // cannot replace a copy another process made meanwhile.
        match std::fs::hard_link(path, &aside) {
            Ok(()) => return std::fs::remove_file(path).map(|()| Some(aside)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last_error = Some(e),
            // No hard links on this file system: rename where nothing is yet.
            Err(_) if !aside.exists() => {
                return std::fs::rename(path, &aside).map(|()| Some(aside))
            }
            Err(e) => last_error = Some(e),
        }
    }
    Err(last_error.unwrap_or_else(|| std::io::Error::other("no free backup name")))
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
    /// When no API token is stored for the REST endpoint's server but one is
    /// for another server: that server's name, for the message (never sent).
    pub token_stored_for: Option<String>,
}

impl Settings {
    pub fn require_token(&self) -> Result<&Secret, ConfigError> {
        self.api_token
            .as_ref()
            .filter(|t| !t.is_empty())
            .ok_or_else(|| match &self.token_stored_for {
                Some(stored_for) => ConfigError::TokenForAnotherServer {
                    org: self.org.clone(),
                    stored_for: stored_for.clone(),
                    server: server_said(other_server(&self.rest_endpoint).as_deref()),
                },
                None => ConfigError::NoToken {
                    org: self.org.clone(),
                    server: server_said(other_server(&self.rest_endpoint).as_deref()),
                },
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
    let rest_endpoint = endpoint(
        "REST endpoint",
        ENV_REST,
        profile.rest_api_endpoint,
        DEFAULT_REST_ENDPOINT,
    )?;
    let portal_endpoint = endpoint(
        "portal endpoint",
        ENV_PORTAL,
        profile.portal_endpoint,
        DEFAULT_PORTAL_ENDPOINT,
    )?;
    // From here on the store reads and writes only these servers' tokens.
    store.use_servers(&rest_endpoint, &portal_endpoint);
    let api_token = env(ENV_TOKEN)
        .map(Secret::new)
        .or_else(|| store.api_token(&org));
    let token_stored_for = match api_token {
        Some(_) => None,
        None => store.api_token_elsewhere(&org),
    };
    Ok(Settings {
        rest_endpoint,
        graphql_endpoint: endpoint(
            "GraphQL endpoint",
            ENV_GRAPHQL,
            profile.graphql_endpoint,
            DEFAULT_GRAPHQL_ENDPOINT,
        )?,
        portal_endpoint,
        api_token,
        token_stored_for,
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
        // Stored for the acme profile's server, where it may be sent.
        let acme = Url::parse("https://rest.example.com/").unwrap();
        store.use_servers(&acme, &Url::parse("https://portal.example.com/").unwrap());
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
        let text = "default_profile = \"acme\"\n[profiles.acme]\nrest_api_endpoint = 3\n";
        let err = ConfigFile::parse(Path::new("/home/me/config.toml"), text)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("/home/me/config.toml:3:"), "{err}");
        assert!(err.contains("invalid type"), "{err}");
    }

    #[test]
    fn unknown_keys_are_warned_about_with_their_line_and_the_file_is_used() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        let text = "default_profile = \"acme\"\ncolour = true\n\n[profiles.acme]\nportal_endpoint = \"https://p.example.com/\"\n  rest_api_endpoit = \"x\"\n";
        std::fs::write(&path, text).unwrap();
        let (file, warnings) = ConfigFile::load_or_set_aside(&path).unwrap();
        assert_eq!(file.default_profile.as_deref(), Some("acme"));
        assert_eq!(
            file.profiles["acme"].portal_endpoint.as_deref(),
            Some("https://p.example.com/")
        );
        let where_ = path.display();
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(
            warnings[0].starts_with(&format!("{where_}:2:1: unknown key `colour`")),
            "{warnings:?}"
        );
        assert!(
            warnings[1].starts_with(&format!(
                "{where_}:6:3: unknown key `rest_api_endpoit` in [profiles.acme]"
            )),
            "{warnings:?}"
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text, "not moved");
    }

    #[test]
    fn a_backup_never_replaces_an_earlier_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        let mut warnings = Vec::new();
        for attempt in ["first = [", "second = ["] {
            std::fs::write(&path, attempt).unwrap();
            let (file, mut said) = ConfigFile::load_or_set_aside(&path).unwrap();
            assert!(file.profiles.is_empty());
            assert!(!path.exists());
            warnings.append(&mut said);
        }
        let mut kept: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
            .collect();
        kept.sort();
        assert_eq!(kept, ["first = [", "second = ["], "{warnings:?}");
        assert!(
            warnings.iter().all(|w| w.contains("moved it to")),
            "{warnings:?}"
        );
    }

    #[test]
    fn bad_endpoint_names_where_it_came_from() {
        let err = resolve_with(&[(ENV_PORTAL, "not a url")], None)
            .unwrap_err()
            .to_string();
        assert!(err.contains(ENV_PORTAL), "{err}");
    }

    #[test]
    fn a_token_stored_for_another_server_is_not_used_and_the_message_names_both() {
        let err = resolve_with(
            &[("BUILDKITE_REST_API_ENDPOINT", "http://127.0.0.1:8080/")],
            None,
        )
        .unwrap()
        .require_token()
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("belongs to rest.example.com, not 127.0.0.1:8080"),
            "{err}"
        );
        assert!(err.contains("bkportals auth login --org acme"), "{err}");
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

    #[test]
    fn no_token_at_all_names_the_server_it_is_wanted_for() {
        let mut store = TokenStore::in_memory();
        let sandbox = |k: &str| match k {
            ENV_ORG => Some("demo".to_owned()),
            "BUILDKITE_REST_API_ENDPOINT" => Some("http://127.0.0.1:8080/".to_owned()),
            _ => None,
        };
        let settings = resolve(
            &ConfigFile::default(),
            Path::new("c.toml"),
            sandbox,
            None,
            &mut store,
        );
        let err = settings.unwrap().require_token().unwrap_err().to_string();
        assert!(
            err.starts_with("no API token for organization `demo` on 127.0.0.1:8080: "),
            "{err}"
        );
    }
}
