//! A portal's Security page on the sandbox: several long-lived tokens (rotation
//! with an overlap), at most two secrets, removal; over HTTP in process and
//! from the `bkportals sandbox` commands against a sandbox process.

mod common;

use bkportals::buildkite::ApiError;
use bkportals::secrets::Secret;
use common::*;
use serde_json::{json, Value};

async fn who_am_i(
    sandbox: &bkportals::sandbox::RunningSandbox,
    token: &str,
) -> Result<(), ApiError> {
    portal_client(sandbox)
        .invoke("who-am-i", None, &json!({}), &Secret::new(token))
        .await
        .map(drop)
}

#[tokio::test]
async fn a_new_token_and_the_old_one_both_work_until_the_old_is_removed() {
    let sandbox = sandbox().await;
    let old = portal_token(&sandbox, "who-am-i");
    let new = sandbox.new_portal_token("who-am-i").unwrap();
    assert!(new.value.starts_with("bkpat_"), "today's prefix: {new:?}");
    assert!(
        !format!("{new:?}").contains(&new.value),
        "Debug hides the value"
    );

    who_am_i(&sandbox, old.expose()).await.unwrap();
    who_am_i(&sandbox, &new.value).await.unwrap();

    // Named by the start of its value, as an administrator reads it off a page.
    sandbox
        .remove_portal_token("who-am-i", &old.expose()[..12])
        .unwrap();
    let err = who_am_i(&sandbox, old.expose()).await.unwrap_err();
    assert!(matches!(err, ApiError::Unauthorized { .. }), "{err:?}");
    who_am_i(&sandbox, &new.value).await.unwrap();

    // The new token belongs to that portal only.
    let elsewhere = portal_client(&sandbox)
        .invoke(
            "pipeline-overview",
            None,
            &json!({}),
            &Secret::new(&new.value),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(elsewhere, ApiError::Unauthorized { .. }),
        "{elsewhere:?}"
    );
}

#[tokio::test]
async fn a_portal_has_at_most_two_secrets_and_a_removed_one_grants_nothing() {
    let sandbox = sandbox().await;
    let client = portal_client(&sandbox);
    let portal = rest(&sandbox).get("who-am-i").await.unwrap();
    // The seeded portal has one secret: one more is allowed, a third is not.
    let second = sandbox.new_portal_secret("who-am-i").unwrap();
    assert!(second.value.starts_with("bkps_"), "{second:?}");
    let refused = sandbox.new_portal_secret("who-am-i").unwrap_err();
    assert!(refused.contains("at most 2 secrets"), "{refused}");

    for secret in ["bkps_sandbox_who_am_i", second.value.as_str()] {
        let token = client
            .ephemeral_token("who-am-i", &portal.uuid, &Secret::new(secret), None)
            .await
            .unwrap();
        who_am_i(&sandbox, token.token.expose()).await.unwrap();
    }

    sandbox
        .remove_portal_secret("who-am-i", "bkps_sandbox_who")
        .unwrap();
    let err = client
        .ephemeral_token(
            "who-am-i",
            &portal.uuid,
            &Secret::new("bkps_sandbox_who_am_i"),
            None,
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("secret is not valid"), "{err}");
    // With one removed, another can be made.
    sandbox.new_portal_secret("who-am-i").unwrap();
}

#[tokio::test]
async fn removal_needs_an_id_or_a_prefix_that_names_one() {
    let sandbox = sandbox().await;
    let err = sandbox
        .remove_portal_token("who-am-i", "bkpat_")
        .unwrap_err();
    assert!(err.contains("10 or more characters"), "{err}");
    let err = sandbox
        .remove_portal_token("no-such-portal", "x")
        .unwrap_err();
    assert!(err.contains("No portal `no-such-portal`"), "{err}");
    let one = sandbox.new_portal_token("who-am-i").unwrap();
    sandbox.remove_portal_token("who-am-i", &one.id).unwrap();
    who_am_i(&sandbox, &one.value).await.unwrap_err();
}

#[tokio::test]
async fn only_an_administrators_api_token_reaches_the_security_page() {
    let sandbox = sandbox().await;
    let url = format!(
        "{}organizations/{}/portals/who-am-i/security",
        sandbox.base_url(),
        sandbox.org_slug
    );
    let http = reqwest::Client::new();
    let get = |token: &str| http.get(&url).bearer_auth(token).send();

    let anonymous = http.get(&url).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    let member = get(READ_ONLY_TOKEN).await.unwrap();
    assert_eq!(member.status(), 403);
    let body: Value = member.json().await.unwrap();
    assert!(body["message"].as_str().unwrap().contains("administrators"));

    let page: Value = get(&sandbox.api_token).await.unwrap().json().await.unwrap();
    assert_eq!(page["tokens"].as_array().unwrap().len(), 1);
    assert_eq!(page["secrets"].as_array().unwrap().len(), 1);
    assert_eq!(page["max_secrets"], 2);
    let text = page.to_string();
    assert!(
        !text.contains("bkpat_sandbox_who_am_i") && !text.contains("bkps_sandbox_who_am_i"),
        "the page shows previews, never values: {text}"
    );

    let made = http
        .post(format!("{url}/tokens"))
        .bearer_auth(&sandbox.api_token)
        .send()
        .await
        .unwrap();
    assert_eq!(made.status(), 201);
    let made: Value = made.json().await.unwrap();
    who_am_i(&sandbox, made["value"].as_str().unwrap())
        .await
        .unwrap();
}

/// `bkportals sandbox new-token/secret/remove-token/security` against a sandbox process.
#[tokio::test]
async fn the_sandbox_commands_rotate_a_token_from_a_shell() {
    let dir = tempfile::tempdir().unwrap();
    let running = SandboxProcess::start(&dir.path().join("state.json"));
    let run = |args: &[&str]| {
        let output = std::process::Command::new(BIN)
            .arg("sandbox")
            .args(args)
            .envs(
                running
                    .exports
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str())),
            )
            .output()
            .unwrap();
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let (code, new_token, said) = run(&["new-token", "who-am-i"]);
    assert_eq!(code, Some(0), "{said}");
    let new_token = new_token.trim().to_owned();
    assert!(new_token.starts_with("bkpat_"), "{new_token}");
    assert!(said.contains("shown only now"), "{said}");

    let (code, listing, _) = run(&["security", "who-am-i"]);
    assert_eq!(code, Some(0));
    assert!(
        listing.contains("Long-lived tokens of `who-am-i`: 2"),
        "{listing}"
    );
    assert!(listing.contains(&new_token[..10]) && !listing.contains(&new_token));

    let (code, _, said) = run(&["remove-token", "who-am-i", "bkpat_sandbox_who"]);
    assert_eq!(code, Some(0), "{said}");
    assert!(said.contains("Removed"), "{said}");

    let url = format!(
        "{}organizations/demo/portals/who-am-i",
        running.exports[1].1
    );
    let portal = |token: String| {
        let request = reqwest::Client::new()
            .post(&url)
            .bearer_auth(token)
            .json(&json!({}));
        async move { request.send().await.unwrap().status() }
    };
    assert_eq!(portal("bkpat_sandbox_who_am_i".into()).await, 401);
    assert_eq!(portal(new_token.clone()).await, 200);

    let (code, secret, said) = run(&["secret", "who-am-i"]);
    assert_eq!(code, Some(0), "{said}");
    assert!(secret.trim().starts_with("bkps_"));
    let (code, _, said) = run(&["secret", "who-am-i"]);
    assert_eq!(code, Some(1));
    assert!(said.contains("at most 2 secrets"), "{said}");
    let (code, _, said) = run(&["remove-secret", "who-am-i", "bkps_"]);
    assert_eq!(code, Some(1));
    assert!(said.contains("10 or more characters"), "{said}");
}
