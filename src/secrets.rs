//! Tokens: a redacting `Secret` type and the token store.
//!
//! The store keeps the API token per organization and portal tokens per
//! organization/portal slug. It is a TOML file in the data dir, created with
//! mode 0600 inside a 0700 directory and replaced atomically (temp file +
//! rename), so a kill at any moment leaves either the old or the new file.
//! (No OS keyring yet: see ARCHITECTURE.md, "Token store".)

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

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
    #[error("could not write the token store {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

#[derive(Default, Serialize, Deserialize)]
struct StoredTokens {
    /// organization slug -> API token
    #[serde(default)]
    api: BTreeMap<String, Secret>,
    /// organization slug -> portal slug -> portal token
    #[serde(default)]
    portal: BTreeMap<String, BTreeMap<String, Secret>>,
}

/// Where tokens live: a 0600 file, or memory only (the `--demo` sandbox).
pub struct TokenStore {
    path: Option<PathBuf>,
    tokens: StoredTokens,
    /// Set when the file's permissions are looser than 0600.
    pub warning: Option<String>,
}

impl fmt::Debug for TokenStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenStore")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl TokenStore {
    /// A store that lives only as long as the process.
    pub fn in_memory() -> Self {
        TokenStore {
            path: None,
            tokens: StoredTokens::default(),
            warning: None,
        }
    }

    /// Opens the store file, or an empty store when it does not exist yet.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
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
        let tokens = toml::from_str(&text).map_err(|e| StoreError::Corrupt {
            path: path.to_owned(),
            message: e.message().to_owned(),
        })?;
        Ok(TokenStore {
            path: Some(path.to_owned()),
            tokens,
            warning: loose_permissions_warning(path),
        })
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    pub fn api_token(&self, org: &str) -> Option<&Secret> {
        self.tokens.api.get(org)
    }

    pub fn set_api_token(&mut self, org: &str, token: Secret) -> Result<(), StoreError> {
        self.tokens.api.insert(org.to_owned(), token);
        self.save()
    }

    pub fn portal_token(&self, org: &str, portal: &str) -> Option<&Secret> {
        self.tokens.portal.get(org)?.get(portal)
    }

    pub fn has_portal_token(&self, org: &str, portal: &str) -> bool {
        self.portal_token(org, portal).is_some()
    }

    pub fn set_portal_token(
        &mut self,
        org: &str,
        portal: &str,
        token: Secret,
    ) -> Result<(), StoreError> {
        self.tokens
            .portal
            .entry(org.to_owned())
            .or_default()
            .insert(portal.to_owned(), token);
        self.save()
    }

    /// Keeps a portal's token reachable after the portal's slug changed.
    pub fn rename_portal(&mut self, org: &str, from: &str, to: &str) -> Result<(), StoreError> {
        let Some(portals) = self.tokens.portal.get_mut(org) else {
            return Ok(());
        };
        if let Some(token) = portals.remove(from) {
            portals.insert(to.to_owned(), token);
            return self.save();
        }
        Ok(())
    }

    pub fn forget_portal_token(&mut self, org: &str, portal: &str) -> Result<bool, StoreError> {
        let removed = self
            .tokens
            .portal
            .get_mut(org)
            .and_then(|p| p.remove(portal))
            .is_some();
        if removed {
            self.save()?;
        }
        Ok(removed)
    }

    fn save(&self) -> Result<(), StoreError> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        let write_err = |source| StoreError::Write {
            path: path.clone(),
            source,
        };
        let text = toml::to_string(&self.tokens)
            .map_err(|e| write_err(std::io::Error::other(e.to_string())))?;
        crate::fsutil::write_private_file(path, text.as_bytes()).map_err(write_err)
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
mod tests {
    use super::*;

    #[test]
    fn secrets_redact_in_debug_and_display() {
        let secret = Secret::new("bkua_supersecret");
        assert_eq!(format!("{secret:?}"), "Secret(<redacted>)");
        assert_eq!(secret.to_string(), "<redacted>");
        assert_eq!(secret.expose(), "bkua_supersecret");
    }

    #[cfg(unix)]
    #[test]
    fn store_file_is_private_and_round_trips() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/tokens.toml");
        let mut store = TokenStore::open(&path).unwrap();
        store
            .set_portal_token("acme", "deploy", Secret::new("bkpt_1"))
            .unwrap();
        store.set_api_token("acme", Secret::new("bkua_2")).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let dir_mode = std::fs::metadata(path.parent().unwrap())
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(dir_mode, 0o700);

        let reopened = TokenStore::open(&path).unwrap();
        assert!(reopened.warning.is_none());
        assert_eq!(
            reopened.portal_token("acme", "deploy").unwrap().expose(),
            "bkpt_1"
        );
        assert_eq!(reopened.api_token("acme").unwrap().expose(), "bkua_2");
        assert!(!format!("{reopened:?}").contains("bkpt_1"));
    }

    #[cfg(unix)]
    #[test]
    fn loose_store_file_is_warned_about() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tokens.toml");
        std::fs::write(&path, "").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let store = TokenStore::open(&path).unwrap();
        let warning = store.warning.expect("a warning for a 0644 token file");
        assert!(warning.contains("chmod 600"), "{warning}");
    }

    #[test]
    fn damaged_store_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tokens.toml");
        std::fs::write(&path, "api = [").unwrap();
        let err = TokenStore::open(&path).unwrap_err().to_string();
        assert!(err.contains("tokens.toml"), "{err}");
    }
}
