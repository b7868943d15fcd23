//! A portal's long-lived service tokens and secrets, as an administrator
//! manages them on the portal's Security page: several tokens at a time (a
//! new one, then the old one removed, gives callers an overlap) and at most
//! two secrets.

use serde::{Deserialize, Serialize};

use super::state::{now_timestamp, random_hex, World};

/// Buildkite allows two secrets per portal, so one can be rotated at a time.
pub const MAX_SECRETS: usize = 2;

/// The prefixes Buildkite shows today: portal access tokens and portal secrets.
pub const TOKEN_PREFIX: &str = "bkpat_";
pub const SECRET_PREFIX: &str = "bkps_";

/// Fewest characters of a value that may name it, so that `bkpat_` alone
/// (every token) never does.
const MIN_PREFIX_CHARS: usize = 10;

/// One token or secret. The seed and older state files hold bare strings;
/// those get an id derived from the value, so it stays the same across restarts.
#[derive(Clone, Serialize, Deserialize)]
#[serde(from = "StoredCredential")]
pub struct Credential {
    pub id: String,
    pub value: String,
    #[serde(default)]
    pub created_at: Option<String>,
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The value is a secret: only its id and preview are shown.
        f.debug_struct("Credential")
            .field("id", &self.id)
            .field("preview", &self.preview())
            .finish()
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum StoredCredential {
    Bare(String),
    Full {
        id: String,
        value: String,
        #[serde(default)]
        created_at: Option<String>,
    },
}

impl From<StoredCredential> for Credential {
    fn from(stored: StoredCredential) -> Self {
        match stored {
            StoredCredential::Bare(value) => Credential {
                id: uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, value.as_bytes()).to_string(),
                value,
                created_at: None,
            },
            StoredCredential::Full {
                id,
                value,
                created_at,
            } => Credential {
                id,
                value,
                created_at,
            },
        }
    }
}

impl Credential {
    pub fn generate(prefix: &str) -> Credential {
        Credential {
            id: uuid::Uuid::new_v4().to_string(),
            value: format!("{prefix}{}", random_hex(20)),
            created_at: Some(now_timestamp()),
        }
    }

    /// What the Security page shows of a value: its first characters.
    pub fn preview(&self) -> String {
        let shown: String = self.value.chars().take(MIN_PREFIX_CHARS).collect();
        format!("{shown}…")
    }

    pub fn summary(&self) -> serde_json::Value {
        serde_json::json!({
            "id": self.id,
            "preview": self.preview(),
            "created_at": self.created_at,
        })
    }
}

/// Accepts one value or a list (the seed names a portal's one `token`).
pub fn one_or_many<'de, D>(deserializer: D) -> Result<Vec<Credential>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(Credential),
        Many(Vec<Credential>),
    }
    Ok(match OneOrMany::deserialize(deserializer)? {
        OneOrMany::One(one) => vec![one],
        OneOrMany::Many(many) => many,
    })
}

/// Which of a portal's lists a Security page action changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Token,
    Secret,
}

impl Kind {
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Token => "long-lived token",
            Kind::Secret => "secret",
        }
    }
}

/// Why a Security page action was refused, with the HTTP status it answers.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    NoPortal(String),
    TooManySecrets,
    NotFound(String),
    Ambiguous(String),
}

impl Refusal {
    pub fn status(&self) -> u16 {
        match self {
            Refusal::NoPortal(_) | Refusal::NotFound(_) => 404,
            Refusal::TooManySecrets | Refusal::Ambiguous(_) => 422,
        }
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::NoPortal(slug) => write!(f, "No portal `{slug}`"),
            Refusal::TooManySecrets => write!(
                f,
                "A portal can have at most {MAX_SECRETS} secrets: remove one before making another"
            ),
            Refusal::NotFound(what) => write!(f, "{what}"),
            Refusal::Ambiguous(what) => write!(f, "{what}"),
        }
    }
}

impl World {
    fn credentials_mut(&mut self, slug: &str, kind: Kind) -> Result<&mut Vec<Credential>, Refusal> {
        let portal = self
            .portals
            .iter_mut()
            .find(|p| p.slug == slug)
            .ok_or_else(|| Refusal::NoPortal(slug.to_owned()))?;
        Ok(match kind {
            Kind::Token => &mut portal.tokens,
            Kind::Secret => &mut portal.secrets,
        })
    }

    /// The Security page's "New token" / "New Secret": the new credential,
    /// whose value is shown this once.
    pub fn add_credential(&mut self, slug: &str, kind: Kind) -> Result<Credential, Refusal> {
        let list = self.credentials_mut(slug, kind)?;
        if kind == Kind::Secret && list.len() >= MAX_SECRETS {
            return Err(Refusal::TooManySecrets);
        }
        let credential = Credential::generate(match kind {
            Kind::Token => TOKEN_PREFIX,
            Kind::Secret => SECRET_PREFIX,
        });
        list.push(credential.clone());
        Ok(credential)
    }

    /// Removes the credential whose id is `name`, or whose value starts with
    /// it (at least ten characters, naming one credential only).
    pub fn remove_credential(
        &mut self,
        slug: &str,
        kind: Kind,
        name: &str,
    ) -> Result<Credential, Refusal> {
        let list = self.credentials_mut(slug, kind)?;
        let name = name.trim();
        let matches: Vec<usize> = match list.iter().position(|c| c.id == name) {
            Some(index) => vec![index],
            None if name.chars().count() >= MIN_PREFIX_CHARS => list
                .iter()
                .enumerate()
                .filter(|(_, c)| c.value.starts_with(name))
                .map(|(i, _)| i)
                .collect(),
            None => Vec::new(),
        };
        match matches.as_slice() {
            [index] => Ok(list.remove(*index)),
            [] => Err(Refusal::NotFound(format!(
                "No {} of `{slug}` has the id `{name}` or starts with it (give an id, or {MIN_PREFIX_CHARS} or more characters of the value)",
                kind.noun()
            ))),
            _ => Err(Refusal::Ambiguous(format!(
                "{} {}s of `{slug}` start with `{name}`: give its id or more characters",
                matches.len(),
                kind.noun()
            ))),
        }
    }

    /// What the Security page lists: ids, previews and dates, never values.
    pub fn security_summary(&self, slug: &str) -> Result<serde_json::Value, Refusal> {
        let portal = self
            .portal(slug)
            .ok_or_else(|| Refusal::NoPortal(slug.to_owned()))?;
        let list = |items: &[Credential]| items.iter().map(Credential::summary).collect::<Vec<_>>();
        Ok(serde_json::json!({
            "portal": portal.slug,
            "tokens": list(&portal.tokens),
            "secrets": list(&portal.secrets),
            "max_secrets": MAX_SECRETS,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_stop_at_two_and_tokens_do_not() {
        let mut world = World::seeded();
        let slug = world.portals[0].slug.clone();
        let seeded = world.portals[0].secrets.len();
        for _ in seeded..MAX_SECRETS {
            world.add_credential(&slug, Kind::Secret).unwrap();
        }
        assert_eq!(
            world.add_credential(&slug, Kind::Secret).unwrap_err(),
            Refusal::TooManySecrets
        );
        for _ in 0..3 {
            let token = world.add_credential(&slug, Kind::Token).unwrap();
            assert!(token.value.starts_with("bkpat_"), "{token:?}");
        }
        assert_eq!(world.portals[0].tokens.len(), 4);
    }

    #[test]
    fn removal_by_id_or_a_long_enough_prefix() {
        let mut world = World::seeded();
        let slug = world.portals[0].slug.clone();
        let new = world.add_credential(&slug, Kind::Token).unwrap();
        assert!(matches!(
            world.remove_credential(&slug, Kind::Token, "bkpat_"),
            Err(Refusal::NotFound(_))
        ));
        let removed = world
            .remove_credential(&slug, Kind::Token, &new.value[..14])
            .unwrap();
        assert_eq!(removed.id, new.id);
        let seeded_id = world.portals[0].tokens[0].id.clone();
        world
            .remove_credential(&slug, Kind::Token, &seeded_id)
            .unwrap();
        assert!(world.portals[0].tokens.is_empty());
        assert!(!format!("{:?}", world.portals[0]).contains(&new.value));
    }

    #[test]
    fn seeded_ids_are_stable() {
        let one = World::seeded();
        let two = World::seeded();
        assert_eq!(one.portals[0].tokens[0].id, two.portals[0].tokens[0].id);
    }
}
