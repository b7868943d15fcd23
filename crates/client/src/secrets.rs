//! Tokens: a redacting `Secret` type and the token store.
//!
//! The store keeps the API token per organization and portal tokens per
//! organization/portal slug. Values go to the OS keyring when one answers;
//! otherwise (servers, CI) into the store file itself. The file, in the data
//! dir, is created with mode 0600 inside a 0700 directory and replaced
//! atomically (temp file + rename), so a kill at any moment leaves either the
//! old or the new file. Every write holds a lock (`tokens.toml.lock`), reads
//! the file again and applies only its own change, so processes that store
//! tokens at the same time (the app and a `create` on the command line) keep
//! each other's.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

mod lock;

/// A token. `Debug` and `Display` never show it; only `expose` does.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The token itself, for an `Authorization` header or the one dialog that shows it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.trim().is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("could not read the token store {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the token store {path} is damaged ({message}); move it aside to start a new one")]
    Corrupt { path: PathBuf, message: String },
    #[error("the OS keyring refused the token: {0}")]
    Keyring(String),
    #[error("the token store is busy: another bkportals has held its lock {path} for {}s; try again when it is done (if none is running, delete that file)", lock::WAIT.as_secs())]
    Locked { path: PathBuf },
    #[error("could not write the token store {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// One stored token: its value, or a marker saying the OS keyring holds it.
#[derive(Clone, Serialize, Deserialize)]
#[serde(untagged)]
enum Stored {
    Inline(Secret),
    InKeyring { keyring: bool },
}

/// The store file. It always lists which tokens exist (so `list` can mark
/// portals with a stored token without touching the keyring); values are
/// inline only when no keyring is in use.
#[derive(Default, Serialize, Deserialize)]
struct StoredTokens {
    /// organization slug -> API token
    #[serde(default)]
    api: BTreeMap<String, Stored>,
    /// organization slug -> portal slug -> portal token
    #[serde(default)]
    portal: BTreeMap<String, BTreeMap<String, Stored>>,
    /// organization slug -> portal slug -> short-lived token
    #[serde(default)]
    short: BTreeMap<String, BTreeMap<String, StoredShort>>,
    /// Tokens given for servers other than Buildkite's, by the server's
    /// origin (`http://127.0.0.1:8080`). The top level is Buildkite's, so
    /// files written before servers were recorded keep their meaning.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    elsewhere: BTreeMap<String, StoredTokens>,
}

impl StoredTokens {
    fn is_empty(&self) -> bool {
        self.api.is_empty()
            && self.portal.values().all(BTreeMap::is_empty)
            && self.short.values().all(BTreeMap::is_empty)
            && self.elsewhere.values().all(StoredTokens::is_empty)
    }

    /// The tokens kept for `server` (`None`: Buildkite's).
    fn section(&self, server: Option<&str>) -> Option<&StoredTokens> {
        match server {
            None => Some(self),
            Some(origin) => self.elsewhere.get(origin),
        }
    }

    fn section_mut(&mut self, server: Option<&str>) -> &mut StoredTokens {
        match server {
            None => self,
            Some(origin) => self.elsewhere.entry(origin.to_owned()).or_default(),
        }
    }

    /// Every section with the server it belongs to, Buildkite's first.
    fn sections(&self) -> impl Iterator<Item = (Option<&str>, &StoredTokens)> {
        std::iter::once((None, self)).chain(
            self.elsewhere
                .iter()
                .map(|(origin, tokens)| (Some(origin.as_str()), tokens)),
        )
    }
}

/// The server a token is given for, as the store records it: `None` for
/// Buildkite's own endpoints, else the endpoint's origin.
pub fn server_of(endpoint: &url::Url) -> Option<String> {
    crate::buildkite::http::other_server(endpoint).map(|_| endpoint.origin().ascii_serialization())
}

/// How messages name a recorded server: "Buildkite", or its `host:port`.
pub fn server_name(server: Option<&str>) -> String {
    let other = server.map(|origin| {
        url::Url::parse(origin)
            .ok()
            .and_then(|url| crate::buildkite::http::other_server(&url))
            .unwrap_or_else(|| origin.to_owned())
    });
    crate::buildkite::http::server_said(other.as_deref())
}

#[derive(Clone, Serialize, Deserialize)]
struct StoredShort {
    value: Stored,
    kind: TokenKind,
    expires_at: String,
}

/// What a portal token is, and so whose permissions a call runs with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenKind {
    /// The portal's long-lived service token: admin-level.
    Admin,
    /// A user-invoked token: the user's own permissions.
    User,
    /// An ephemeral token from a portal secret: admin-level, short-lived.
    Ephemeral,
}

impl fmt::Display for TokenKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TokenKind::Admin => "the portal's long-lived token (admin-level)",
            TokenKind::User => "your user token (your own permissions)",
            TokenKind::Ephemeral => "an ephemeral token (admin-level)",
        })
    }
}

/// A stored token, described without its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenEntry {
    /// The server the token was given for: `None` for Buildkite's, else its `host:port`.
    pub server: Option<String>,
    pub organization: String,
    pub portal: String,
    pub kind: TokenKind,
    pub expires_at: Option<String>,
    pub expired: bool,
}

/// True when an RFC 3339 time is in the past (or cannot be read), with a
/// minute of margin so a token does not expire mid-call.
fn expired(expires_at: &str) -> bool {
    chrono::DateTime::parse_from_rfc3339(expires_at)
        .map(|t| t <= chrono::Utc::now() + chrono::Duration::seconds(60))
        .unwrap_or(true)
}

const KEYRING_SERVICE: &str = "bkportals";

/// Where token values go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// The OS keyring (Keychain, Credential Manager, Secret Service).
    Keyring,
    /// The 0600 store file itself.
    File,
    /// Nowhere: the process's memory (the `--demo` sandbox).
    Memory,
}

/// Tokens by organization and portal. See the module comment.
pub struct TokenStore {
    path: Option<PathBuf>,
    backend: Backend,
    tokens: StoredTokens,
    /// Values read from or written to the keyring during this run.
    cache: BTreeMap<String, Secret>,
    /// The servers in use (`server_of`): API tokens are read and written for
    /// `api_server`, portal tokens for `portal_server`; Buildkite's by default.
    api_server: Option<String>,
    portal_server: Option<String>,
    /// Set when the file's permissions are looser than 0600.
    pub warning: Option<String>,
}

impl fmt::Debug for TokenStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenStore")
            .field("path", &self.path)
            .field("backend", &self.backend)
            .finish_non_exhaustive()
    }
}

/// The keyring entry's name: Buildkite's keep the names earlier versions
/// used; another server's are prefixed with its origin.
fn keyring_key(server: Option<&str>, key: String) -> String {
    match server {
        None => key,
        Some(origin) => format!("{origin}/{key}"),
    }
}

impl TokenStore {
    /// A store that lives only as long as the process.
    pub fn in_memory() -> Self {
        TokenStore {
            path: None,
            backend: Backend::Memory,
            tokens: StoredTokens::default(),
            cache: BTreeMap::new(),
            api_server: None,
            portal_server: None,
            warning: None,
        }
    }

    /// Opens the store: the OS keyring when one answers, else the file alone.
    /// `BKPORTALS_TOKEN_STORE=file` chooses the file even when a keyring exists.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let want_file = std::env::var("BKPORTALS_TOKEN_STORE").is_ok_and(|v| v == "file");
        let backend = if !want_file && keyring_available() {
            Backend::Keyring
        } else {
            Backend::File
        };
        Self::open_with(path, backend)
    }

    pub fn open_with(path: &Path, backend: Backend) -> Result<Self, StoreError> {
        Ok(TokenStore {
            path: Some(path.to_owned()),
            backend,
            tokens: read_tokens(path)?,
            cache: BTreeMap::new(),
            api_server: None,
            portal_server: None,
            warning: loose_permissions_warning(path),
        })
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Where tokens go, for messages ("stored in the OS keyring").
    pub fn describe(&self) -> String {
        match (self.backend, &self.path) {
            (Backend::Keyring, _) => "stored in the OS keyring".to_owned(),
            (Backend::File, Some(path)) => format!("stored in {}", path.display()),
            _ => "kept in memory for this run".to_owned(),
        }
    }

    /// Chooses the servers whose tokens this store reads and writes from now
    /// on; a token stored for any other server is never returned.
    pub fn use_servers(&mut self, rest_endpoint: &url::Url, portal_endpoint: &url::Url) {
        self.api_server = server_of(rest_endpoint);
        self.portal_server = server_of(portal_endpoint);
    }

    fn api_key(&self, org: &str) -> String {
        keyring_key(self.api_server.as_deref(), format!("api/{org}"))
    }

    fn portal_key(&self, org: &str, portal: &str) -> String {
        keyring_key(
            self.portal_server.as_deref(),
            format!("portal/{org}/{portal}"),
        )
    }

    fn short_key(&self, org: &str, portal: &str) -> String {
        keyring_key(
            self.portal_server.as_deref(),
            format!("short/{org}/{portal}"),
        )
    }

    fn api_section(&self) -> Option<&StoredTokens> {
        self.tokens.section(self.api_server.as_deref())
    }

    fn api_section_mut(&mut self) -> &mut StoredTokens {
        self.tokens.section_mut(self.api_server.as_deref())
    }

    fn portal_section(&self) -> Option<&StoredTokens> {
        self.tokens.section(self.portal_server.as_deref())
    }

    fn portal_section_mut(&mut self) -> &mut StoredTokens {
        self.tokens.section_mut(self.portal_server.as_deref())
    }

    pub fn api_token(&mut self, org: &str) -> Option<Secret> {
        let stored = self.api_section()?.api.get(org)?.clone();
        self.reveal(self.api_key(org), stored)
    }

    pub fn set_api_token(&mut self, org: &str, token: Secret) -> Result<(), StoreError> {
        self.update(|store| {
            let stored = store.keep(store.api_key(org), token)?;
            store.api_section_mut().api.insert(org.to_owned(), stored);
            Ok(true)
        })
        .map(drop)
    }

    /// Whether an API token is stored for the organization on the server in
    /// use (reads the file's index only, never the keyring).
    pub fn has_api_token(&self, org: &str) -> bool {
        self.api_section().is_some_and(|s| s.api.contains_key(org))
    }

    /// The server (named for messages) holding the organization's API token
    /// when none is stored for the server in use: the token is not sent,
    /// and the message says where it belongs.
    pub fn api_token_elsewhere(&self, org: &str) -> Option<String> {
        if self.has_api_token(org) {
            return None;
        }
        let current = self.api_server.as_deref();
        self.tokens
            .sections()
            .find(|(server, tokens)| *server != current && tokens.api.contains_key(org))
            .map(|(server, _)| server_name(server))
    }

    /// Forgets the organization's API token for the server in use; says whether there was one.
    pub fn forget_api_token(&mut self, org: &str) -> Result<bool, StoreError> {
        self.update(|store| {
            let key = store.api_key(org);
            store.cache.remove(&key);
            let removed = store.api_section_mut().api.remove(org);
            if let Some(Stored::InKeyring { .. }) = removed {
                forget_in_keyring(&key);
            }
            Ok(removed.is_some())
        })
    }

    pub fn portal_token(&mut self, org: &str, portal: &str) -> Option<Secret> {
        let stored = self.portal_section()?.portal.get(org)?.get(portal)?.clone();
        self.reveal(self.portal_key(org, portal), stored)
    }

    /// The slugs of the organization's portals that have a usable stored
    /// token for the portal server in use.
    pub fn portal_slugs(&self, org: &str) -> Vec<String> {
        let Some(section) = self.portal_section() else {
            return Vec::new();
        };
        let mut slugs: Vec<String> = section
            .portal
            .get(org)
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default();
        if let Some(short) = section.short.get(org) {
            for (slug, stored) in short {
                if !expired(&stored.expires_at) && !slugs.contains(slug) {
                    slugs.push(slug.clone());
                }
            }
        }
        slugs
    }

    /// Keeps a short-lived token until `expires_at` (RFC 3339).
    pub fn set_short_token(
        &mut self,
        org: &str,
        portal: &str,
        kind: TokenKind,
        token: Secret,
        expires_at: &str,
    ) -> Result<(), StoreError> {
        self.update(|store| {
            store.insert_short(org, portal, kind, token, expires_at)?;
            Ok(true)
        })
        .map(drop)
    }

    fn short_token(&self, org: &str, portal: &str) -> Option<StoredShort> {
        self.portal_section()?.short.get(org)?.get(portal).cloned()
    }

    /// The token a call should use: a valid user token first (the caller's
    /// own identity), then a valid ephemeral one, then the long-lived one.
    /// Only tokens stored for the portal server in use.
    pub fn best_portal_token(&mut self, org: &str, portal: &str) -> Option<(Secret, TokenKind)> {
        let short = self
            .short_token(org, portal)
            .filter(|s| !expired(&s.expires_at));
        if let Some(short) = short {
            if let Some(secret) = self.reveal(self.short_key(org, portal), short.value) {
                return Some((secret, short.kind));
            }
        }
        self.portal_token(org, portal)
            .map(|t| (t, TokenKind::Admin))
    }

    /// Every stored portal token, of every server, described without its value.
    pub fn entries(&self) -> Vec<TokenEntry> {
        let mut entries = Vec::new();
        for (server, section) in self.tokens.sections() {
            let server = server.map(|s| server_name(Some(s)));
            for (org, portals) in &section.portal {
                for slug in portals.keys() {
                    entries.push(TokenEntry {
                        server: server.clone(),
                        organization: org.clone(),
                        portal: slug.clone(),
                        kind: TokenKind::Admin,
                        expires_at: None,
                        expired: false,
                    });
                }
            }
            for (org, portals) in &section.short {
                for (slug, stored) in portals {
                    entries.push(TokenEntry {
                        server: server.clone(),
                        organization: org.clone(),
                        portal: slug.clone(),
                        kind: stored.kind,
                        expires_at: Some(stored.expires_at.clone()),
                        expired: expired(&stored.expires_at),
                    });
                }
            }
        }
        entries.sort_by(|a, b| {
            (&a.server, &a.organization, &a.portal).cmp(&(&b.server, &b.organization, &b.portal))
        });
        entries
    }

    pub fn has_portal_token(&self, org: &str, portal: &str) -> bool {
        self.portal_slugs(org).iter().any(|s| s == portal)
    }

    pub fn set_portal_token(
        &mut self,
        org: &str,
        portal: &str,
        token: Secret,
    ) -> Result<(), StoreError> {
        self.update(|store| {
            store.insert_portal(org, portal, token)?;
            Ok(true)
        })
        .map(drop)
    }

    /// Keeps a portal's tokens reachable after the portal's slug changed.
    pub fn rename_portal(&mut self, org: &str, from: &str, to: &str) -> Result<(), StoreError> {
        self.update(|store| {
            let long = store.portal_token(org, from);
            let short = match store.short_token(org, from) {
                Some(stored) => store
                    .reveal(store.short_key(org, from), stored.value.clone())
                    .map(|secret| (secret, stored)),
                None => None,
            };
            if long.is_none() && short.is_none() {
                return Ok(false);
            }
            // The new names first: a refusal then leaves the old ones in place.
            if let Some(token) = long {
                store.insert_portal(org, to, token)?;
            }
            if let Some((secret, stored)) = short {
                store.insert_short(org, to, stored.kind, secret, &stored.expires_at)?;
            }
            store.remove_portal(org, from);
            Ok(true)
        })
        .map(drop)
    }

    /// Forgets every token stored for the portal; says whether there was one.
    pub fn forget_portal_token(&mut self, org: &str, portal: &str) -> Result<bool, StoreError> {
        self.update(|store| Ok(store.remove_portal(org, portal)))
    }

    /// Applies one change to the store as it is on disk now, under the lock,
    /// so tokens other processes stored since this one read the file are
    /// kept. `change` says whether it changed anything (else nothing is written).
    fn update(
        &mut self,
        change: impl FnOnce(&mut Self) -> Result<bool, StoreError>,
    ) -> Result<bool, StoreError> {
        let Some(path) = self.path.clone() else {
            return change(self);
        };
        let _lock = lock::StoreLock::acquire(&path)?;
        self.tokens = read_tokens(&path)?;
        let changed = change(self)?;
        if changed {
            self.write(&path)?;
        }
        Ok(changed)
    }

    fn insert_portal(&mut self, org: &str, portal: &str, token: Secret) -> Result<(), StoreError> {
        let stored = self.keep(self.portal_key(org, portal), token)?;
        self.portal_section_mut()
            .portal
            .entry(org.to_owned())
            .or_default()
            .insert(portal.to_owned(), stored);
        Ok(())
    }

    fn insert_short(
        &mut self,
        org: &str,
        portal: &str,
        kind: TokenKind,
        token: Secret,
        expires_at: &str,
    ) -> Result<(), StoreError> {
        let value = self.keep(self.short_key(org, portal), token)?;
        self.portal_section_mut()
            .short
            .entry(org.to_owned())
            .or_default()
            .insert(
                portal.to_owned(),
                StoredShort {
                    value,
                    kind,
                    expires_at: expires_at.to_owned(),
                },
            );
        Ok(())
    }

    /// Drops the portal's entries (and their keyring values); says whether there were any.
    fn remove_portal(&mut self, org: &str, portal: &str) -> bool {
        let section = self.portal_section_mut();
        let long = section.portal.get_mut(org).and_then(|p| p.remove(portal));
        let short = section
            .short
            .get_mut(org)
            .and_then(|p| p.remove(portal))
            .map(|s| s.value);
        for (key, removed) in [
            (self.portal_key(org, portal), &long),
            (self.short_key(org, portal), &short),
        ] {
            self.cache.remove(&key);
            if let Some(Stored::InKeyring { .. }) = removed {
                forget_in_keyring(&key);
            }
        }
        long.is_some() || short.is_some()
    }

    fn reveal(&mut self, key: String, stored: Stored) -> Option<Secret> {
        match stored {
            Stored::Inline(secret) => Some(secret),
            Stored::InKeyring { .. } => {
                if let Some(secret) = self.cache.get(&key) {
                    return Some(secret.clone());
                }
                let value = keyring::Entry::new(KEYRING_SERVICE, &key)
                    .and_then(|e| e.get_password())
                    .map_err(|e| tracing::warn!("could not read {key} from the OS keyring: {e}"))
                    .ok()?;
                let secret = Secret::new(value);
                self.cache.insert(key, secret.clone());
                Some(secret)
            }
        }
    }

    /// Puts a value where the backend keeps values, and says what the file records.
    fn keep(&mut self, key: String, token: Secret) -> Result<Stored, StoreError> {
        match self.backend {
            Backend::Keyring => {
                keyring::Entry::new(KEYRING_SERVICE, &key)
                    .and_then(|e| e.set_password(token.expose()))
                    .map_err(|e| StoreError::Keyring(e.to_string()))?;
                self.cache.insert(key, token);
                Ok(Stored::InKeyring { keyring: true })
            }
            Backend::File | Backend::Memory => Ok(Stored::Inline(token)),
        }
    }

    fn write(&mut self, path: &Path) -> Result<(), StoreError> {
        // A server whose last token was forgotten leaves no empty table behind.
        self.tokens.elsewhere.retain(|_, tokens| !tokens.is_empty());
        let write_err = |source| StoreError::Write {
            path: path.to_owned(),
            source,
        };
        let text = toml::to_string(&self.tokens)
            .map_err(|e| write_err(std::io::Error::other(e.to_string())))?;
        crate::fsutil::write_private_file(path, text.as_bytes()).map_err(write_err)
    }
}

/// The store file as it is now; a missing file is an empty store.
fn read_tokens(path: &Path) -> Result<StoredTokens, StoreError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(source) => {
            return Err(StoreError::Read {
                path: path.to_owned(),
                source,
            })
        }
    };
    toml::from_str(&text).map_err(|e| StoreError::Corrupt {
        path: path.to_owned(),
        message: e.message().to_owned(),
    })
}

fn forget_in_keyring(key: &str) {
    if let Ok(entry) = keyring::Entry::new(KEYRING_SERVICE, key) {
        let _ = entry.delete_credential();
    }
}

/// True when an OS keyring answers (a missing entry is an answer).
fn keyring_available() -> bool {
    let probe =
        keyring::Entry::new(KEYRING_SERVICE, "availability-probe").and_then(|e| e.get_password());
    match probe {
        Ok(_) | Err(keyring::Error::NoEntry) => true,
        Err(e) => {
            tracing::debug!("no OS keyring ({e}); tokens go to the private file");
            false
        }
    }
}

#[cfg(unix)]
fn loose_permissions_warning(path: &Path) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
    (mode & 0o077 != 0).then(|| {
        format!(
            "the token store {} can be read by other users (mode {mode:o}); run `chmod 600 {}`",
            path.display(),
            path.display()
        )
    })
}

#[cfg(not(unix))]
fn loose_permissions_warning(_path: &Path) -> Option<String> {
    None
}

#[cfg(test)]
mod tests;
