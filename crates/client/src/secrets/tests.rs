//! The token store: privacy, merging writers, expiry and damage.

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
    let mut store = TokenStore::open_with(&path, Backend::File).unwrap();
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

    let mut reopened = TokenStore::open_with(&path, Backend::File).unwrap();
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
    let store = TokenStore::open_with(&path, Backend::File).unwrap();
    let warning = store.warning.expect("a warning for a 0644 token file");
    assert!(warning.contains("chmod 600"), "{warning}");
}

#[test]
fn short_lived_tokens_are_preferred_until_they_expire() {
    let mut store = TokenStore::in_memory();
    store
        .set_portal_token("acme", "deploy", Secret::new("bkpt_long"))
        .unwrap();
    let (token, kind) = store.best_portal_token("acme", "deploy").unwrap();
    assert_eq!((token.expose(), kind), ("bkpt_long", TokenKind::Admin));

    let soon = (chrono::Utc::now() + chrono::Duration::hours(12)).to_rfc3339();
    store
        .set_short_token(
            "acme",
            "deploy",
            TokenKind::User,
            Secret::new("bkpat_user"),
            &soon,
        )
        .unwrap();
    let (token, kind) = store.best_portal_token("acme", "deploy").unwrap();
    assert_eq!((token.expose(), kind), ("bkpat_user", TokenKind::User));

    let past = (chrono::Utc::now() - chrono::Duration::minutes(1)).to_rfc3339();
    store
        .set_short_token(
            "acme",
            "deploy",
            TokenKind::User,
            Secret::new("bkpat_old"),
            &past,
        )
        .unwrap();
    let (token, _) = store.best_portal_token("acme", "deploy").unwrap();
    assert_eq!(token.expose(), "bkpt_long", "an expired token is not used");
    let entries = store.entries();
    assert_eq!(entries.len(), 2);
    assert!(entries
        .iter()
        .any(|e| e.kind == TokenKind::User && e.expired));
    assert!(
        !format!("{entries:?}").contains("bkpat"),
        "entries never hold values"
    );

    assert!(store.forget_portal_token("acme", "deploy").unwrap());
    assert!(store.best_portal_token("acme", "deploy").is_none());
}

#[test]
fn stores_opened_before_each_others_writes_keep_every_token() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tokens.toml");
    // Like the app, open all day, and a `create` on the command line.
    let mut app = TokenStore::open_with(&path, Backend::File).unwrap();
    let mut cli = TokenStore::open_with(&path, Backend::File).unwrap();
    cli.set_portal_token("acme", "from-cli", Secret::new("bkpt_cli"))
        .unwrap();
    app.set_portal_token("acme", "from-app", Secret::new("bkpt_app"))
        .unwrap();
    app.forget_portal_token("acme", "never-stored").unwrap();
    let soon = (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339();
    cli.set_short_token(
        "acme",
        "short",
        TokenKind::User,
        Secret::new("bkpat"),
        &soon,
    )
    .unwrap();
    app.rename_portal("acme", "from-app", "renamed").unwrap();

    let mut reopened = TokenStore::open_with(&path, Backend::File).unwrap();
    let mut slugs = reopened.portal_slugs("acme");
    slugs.sort();
    assert_eq!(slugs, ["from-cli", "renamed", "short"]);
    assert_eq!(
        reopened.portal_token("acme", "from-cli").unwrap().expose(),
        "bkpt_cli"
    );
    assert!(cli.forget_portal_token("acme", "renamed").unwrap());
    let reopened = TokenStore::open_with(&path, Backend::File).unwrap();
    assert_eq!(reopened.entries().len(), 2, "only `renamed` was forgotten");
}

#[test]
fn a_damaged_file_is_not_overwritten_by_a_write() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tokens.toml");
    let mut store = TokenStore::open_with(&path, Backend::File).unwrap();
    std::fs::write(&path, "portal = [").unwrap();
    let err = store
        .set_portal_token("acme", "deploy", Secret::new("bkpt_1"))
        .unwrap_err();
    assert!(matches!(err, StoreError::Corrupt { .. }), "{err}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "portal = [");
}

#[test]
fn damaged_store_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tokens.toml");
    std::fs::write(&path, "api = [").unwrap();
    let err = TokenStore::open_with(&path, Backend::File)
        .unwrap_err()
        .to_string();
    assert!(err.contains("tokens.toml"), "{err}");
}

fn url(text: &str) -> url::Url {
    url::Url::parse(text).unwrap()
}

/// From here on `store` reads and writes Buildkite's tokens.
fn use_buildkite(store: &mut TokenStore) {
    store.use_servers(
        &url(crate::config::DEFAULT_REST_ENDPOINT),
        &url(crate::config::DEFAULT_PORTAL_ENDPOINT),
    );
}

/// Stores an API token for `demo` and a portal token for its `deploy`.
fn store_demo_tokens(store: &mut TokenStore, api: &str, portal: &str) {
    store.set_api_token("demo", Secret::new(api)).unwrap();
    store
        .set_portal_token("demo", "deploy", Secret::new(portal))
        .unwrap();
}

#[test]
fn a_token_stored_for_one_server_is_never_returned_for_another() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tokens.toml");
    let sandbox = url("http://127.0.0.1:8080/");
    let mut store = TokenStore::open_with(&path, Backend::File).unwrap();
    store.use_servers(&sandbox, &sandbox);
    store_demo_tokens(&mut store, "bkua_sandbox", "bkpt_sandbox");

    let mut reopened = TokenStore::open_with(&path, Backend::File).unwrap();
    use_buildkite(&mut reopened);
    assert!(reopened.api_token("demo").is_none());
    assert!(reopened.best_portal_token("demo", "deploy").is_none());
    assert!(reopened.portal_slugs("demo").is_empty());
    assert_eq!(
        reopened.api_token_elsewhere("demo").as_deref(),
        Some("127.0.0.1:8080")
    );

    let other = url("http://127.0.0.1:9090/");
    reopened.use_servers(&other, &other);
    assert!(reopened.api_token("demo").is_none());
    assert!(reopened.best_portal_token("demo", "deploy").is_none());

    reopened.use_servers(&sandbox, &sandbox);
    assert_eq!(reopened.api_token("demo").unwrap().expose(), "bkua_sandbox");
    let (token, _) = reopened.best_portal_token("demo", "deploy").unwrap();
    assert_eq!(token.expose(), "bkpt_sandbox");
}

#[test]
fn tokens_from_before_servers_were_recorded_are_buildkites() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tokens.toml");
    std::fs::write(&path, "[api]\nacme = \"bkua_old\"\n").unwrap();
    let mut store = TokenStore::open_with(&path, Backend::File).unwrap();
    use_buildkite(&mut store);
    assert_eq!(store.api_token("acme").unwrap().expose(), "bkua_old");
    let sandbox = url("http://127.0.0.1:8080/");
    store.use_servers(&sandbox, &sandbox);
    assert!(store.api_token("acme").is_none());
    assert_eq!(
        store.api_token_elsewhere("acme").as_deref(),
        Some("Buildkite")
    );
}

#[test]
fn forgetting_acts_on_the_server_in_use_and_listing_names_other_servers() {
    let mut store = TokenStore::in_memory();
    let sandbox = url("http://127.0.0.1:8080/");
    store_demo_tokens(&mut store, "bkua_real", "bkpt_real");
    store.use_servers(&sandbox, &sandbox);
    store_demo_tokens(&mut store, "bkua_sandbox", "bkpt_sandbox");
    let servers: Vec<Option<String>> = store.entries().into_iter().map(|e| e.server).collect();
    assert_eq!(servers, vec![None, Some("127.0.0.1:8080".to_owned())]);

    assert!(store.forget_api_token("demo").unwrap());
    assert!(store.forget_portal_token("demo", "deploy").unwrap());
    assert!(store.api_token("demo").is_none());
    use_buildkite(&mut store);
    assert_eq!(store.api_token("demo").unwrap().expose(), "bkua_real");
    assert_eq!(store.portal_slugs("demo"), vec!["deploy".to_owned()]);
}
