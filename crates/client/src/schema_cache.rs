//! The GraphQL schema of each endpoint, cached on disk with its fetch time so
//! the app can validate from its first frame and refresh in the background.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Utc};
use url::Url;

use crate::buildkite::{graphql_api, ApiError, ClientOptions};
use crate::graphql::schema::GraphqlSchema;
use crate::secrets::Secret;

/// A cached schema older than this is fetched again in the background.
pub const MAX_AGE: Duration = Duration::days(1);

#[derive(serde::Serialize, serde::Deserialize)]
struct Entry {
    endpoint: String,
    fetched_at: DateTime<Utc>,
    sdl: String,
}

/// A schema and where and when it came from.
#[derive(Debug, Clone)]
pub struct LoadedSchema {
    pub schema: GraphqlSchema,
    pub sdl: String,
    pub fetched_at: DateTime<Utc>,
    pub endpoint: String,
}

impl LoadedSchema {
    pub fn is_stale(&self, now: DateTime<Utc>) -> bool {
        now - self.fetched_at > MAX_AGE
    }
}

#[derive(Debug, Clone)]
pub struct SchemaCache {
    dir: PathBuf,
}

impl SchemaCache {
    pub fn new(cache_dir: &Path) -> SchemaCache {
        SchemaCache {
            dir: cache_dir.join("schemas"),
        }
    }

    /// The cache dir this cache's folder is in (for other caches beside it).
    pub fn cache_dir(&self) -> &Path {
        self.dir.parent().unwrap_or(&self.dir)
    }

    /// The file for an endpoint. Every sandbox on loopback serves the same
    /// schema whatever its port, so they share one file.
    pub fn path(&self, endpoint: &Url) -> PathBuf {
        let host = endpoint.host_str().unwrap_or("unknown");
        let loopback = host == "localhost"
            || host
                .trim_matches(['[', ']'])
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback());
        let place = if loopback {
            format!("loopback{}", endpoint.path())
        } else {
            match endpoint.port() {
                Some(port) => format!("{host}_{port}{}", endpoint.path()),
                None => format!("{host}{}", endpoint.path()),
            }
        };
        let name: String = place
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        self.dir
            .join(format!("{}.json", name.trim_end_matches('_')))
    }

    /// The cached schema, if any. A file that cannot be read back is moved
    /// aside (kept for a look) and reported, and the cache acts empty.
    pub fn load(&self, endpoint: &Url) -> Result<Option<LoadedSchema>, String> {
        let path = self.path(endpoint);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("could not read {}: {e}", path.display())),
        };
        let loaded = serde_json::from_str::<Entry>(&text)
            .map_err(|e| e.to_string())
            .and_then(|entry| {
                let schema = GraphqlSchema::from_sdl(&entry.sdl)?;
                Ok(LoadedSchema {
                    schema,
                    sdl: entry.sdl,
                    fetched_at: entry.fetched_at,
                    endpoint: entry.endpoint,
                })
            });
        match loaded {
            Ok(loaded) => Ok(Some(loaded)),
            Err(problem) => {
                let aside = path.with_extension("json.corrupt");
                let _ = std::fs::rename(&path, &aside);
                Err(format!(
                    "the cached schema {} was unreadable ({problem}); moved it to {} and will fetch again",
                    path.display(),
                    aside.display()
                ))
            }
        }
    }

    /// Checks and stores SDL fetched now.
    pub fn store(&self, endpoint: &Url, sdl: String) -> Result<LoadedSchema, String> {
        let schema = GraphqlSchema::from_sdl(&sdl)?;
        let entry = Entry {
            endpoint: endpoint.to_string(),
            fetched_at: Utc::now(),
            sdl,
        };
        let path = self.path(endpoint);
        let text = serde_json::to_vec(&entry).map_err(|e| e.to_string())?;
        crate::fsutil::write_private_file(&path, &text)
            .map_err(|e| format!("could not write {}: {e}", path.display()))?;
        Ok(LoadedSchema {
            schema,
            sdl: entry.sdl,
            fetched_at: entry.fetched_at,
            endpoint: entry.endpoint,
        })
    }

    /// Fetches the endpoint's schema now and caches it.
    pub async fn refresh(
        &self,
        endpoint: &Url,
        token: &Secret,
        options: ClientOptions,
    ) -> Result<LoadedSchema, String> {
        let sdl = graphql_api::fetch_schema_sdl(endpoint, token, options)
            .await
            .map_err(|e: ApiError| e.to_string())?;
        let cache = self.clone();
        let endpoint = endpoint.clone();
        // Parsing a large schema takes a while: keep it off the async threads.
        tokio::task::spawn_blocking(move || cache.store(&endpoint, sdl))
            .await
            .map_err(|e| format!("schema check stopped: {e}"))?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).expect("url")
    }

    #[test]
    fn endpoints_have_their_own_files_and_sandboxes_share_one() {
        let cache = SchemaCache::new(Path::new("/c"));
        let real = cache.path(&url("https://graphql.buildkite.com/v1"));
        assert_eq!(real, Path::new("/c/schemas/graphql.buildkite.com_v1.json"));
        let a = cache.path(&url("http://127.0.0.1:4000/v1"));
        let b = cache.path(&url("http://127.0.0.1:5000/v1"));
        assert_eq!(a, b);
        assert_ne!(cache.path(&url("https://other.example:8443/v1")), real);
    }

    #[test]
    fn a_stored_schema_loads_back_and_a_corrupt_one_is_set_aside() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = SchemaCache::new(dir.path());
        let endpoint = url("https://graphql.example/v1");
        assert!(cache.load(&endpoint).expect("no file is fine").is_none());
        let stored = cache
            .store(&endpoint, "type Query { a: Int }".into())
            .expect("stored");
        assert!(!stored.is_stale(Utc::now()));
        assert!(stored.is_stale(Utc::now() + Duration::days(2)));
        let loaded = cache.load(&endpoint).expect("readable").expect("present");
        assert_eq!(loaded.sdl, "type Query { a: Int }");

        std::fs::write(cache.path(&endpoint), "{ not json").expect("write");
        let problem = cache.load(&endpoint).unwrap_err();
        assert!(problem.contains("moved it to"), "{problem}");
        assert!(cache.load(&endpoint).expect("now empty").is_none());
    }
}

/// Where the app gets its schema: the cache, and the endpoint to refresh it.
#[derive(Clone)]
pub struct SchemaSource {
    pub cache: SchemaCache,
    pub endpoint: Url,
    pub token: Option<Secret>,
}

/// What a load found: a schema (and whether it was fetched just now), or why none.
pub enum SchemaUpdate {
    Ready {
        loaded: Box<LoadedSchema>,
        fetched_now: bool,
    },
    Unavailable(String),
}

impl SchemaSource {
    /// Reports the cached schema at once, then fetches a new one when there
    /// is none, it is over a day old, or `refresh` asks for it.
    pub async fn load(&self, refresh: bool, mut report: impl FnMut(SchemaUpdate)) {
        if !refresh {
            let (cache, endpoint) = (self.cache.clone(), self.endpoint.clone());
            let cached = tokio::task::spawn_blocking(move || cache.load(&endpoint))
                .await
                .unwrap_or_else(|e| Err(format!("reading the cache stopped: {e}")));
            match cached {
                Ok(Some(loaded)) => {
                    let stale = loaded.is_stale(Utc::now());
                    report(SchemaUpdate::Ready {
                        loaded: Box::new(loaded),
                        fetched_now: false,
                    });
                    if !stale {
                        return;
                    }
                }
                Ok(None) => {}
                Err(problem) => report(SchemaUpdate::Unavailable(problem)),
            }
        }
        let Some(token) = self.token.as_ref().filter(|t| !t.is_empty()) else {
            report(SchemaUpdate::Unavailable(
                "no API token to fetch it with".into(),
            ));
            return;
        };
        match self
            .cache
            .refresh(&self.endpoint, token, ClientOptions::default())
            .await
        {
            Ok(loaded) => report(SchemaUpdate::Ready {
                loaded: Box::new(loaded),
                fetched_now: true,
            }),
            Err(e) => report(SchemaUpdate::Unavailable(e)),
        }
    }
}
