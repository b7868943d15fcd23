//! The approval page signs the approver in, as a member of the organization,
//! before a code can be approved; the token then runs as that member.

mod common;

use bkportals::buildkite::Exchange;
use common::*;
use serde_json::json;

#[tokio::test]
async fn approving_needs_a_signed_in_member_and_runs_as_them() {
    let sandbox = sandbox().await;
    let client = portal_client(&sandbox);
    let code = client.request_code("who-am-i").await.unwrap();
    let url = &code.authorization_url;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();

    // Signed out: the page offers a sign-in as one of the members, not an approval.
    let page = http.get(url).send().await.unwrap().text().await.unwrap();
    assert!(
        page.contains("Sign in to") && page.contains("Jordan Builder"),
        "{page}"
    );
    assert!(!page.contains("/approve"), "{page}");

    // Approving without signing in is refused, and the code stays pending.
    let refused = http.post(format!("{url}/approve")).send().await.unwrap();
    assert_eq!(refused.status(), 401);
    assert!(refused.text().await.unwrap().contains("Sign in first"));
    assert!(matches!(
        client.exchange_code("who-am-i", &code, None).await.unwrap(),
        Exchange::Pending
    ));

    // Only members sign in, and only back to an approval page.
    let stranger = http
        .post(format!("{}sign-in", sandbox.base_url()))
        .form(&[("email", "someone@elsewhere.example")])
        .send()
        .await
        .unwrap();
    assert_eq!(stranger.status(), 422);
    let away = http
        .post(format!("{}sign-in", sandbox.base_url()))
        .form(&[
            ("email", "jordan@example.com"),
            ("next", "https://evil.example/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(away.headers()["location"], "/");

    let signed_in = http
        .post(format!("{}sign-in", sandbox.base_url()))
        .form(&[
            ("email", "jordan@example.com"),
            ("next", &format!("/authorize/{}", code.code)),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), 303);
    assert_eq!(
        signed_in.headers()["location"],
        format!("/authorize/{}", code.code).as_str()
    );
    let cookie = signed_in.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    let session = cookie.split(';').next().unwrap().to_owned();
    let page = http
        .get(url)
        .header("cookie", &session)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Signed in as Jordan Builder") && page.contains("/approve"),
        "{page}"
    );
    let approved = http
        .post(format!("{url}/approve"))
        .header("cookie", &session)
        .send()
        .await
        .unwrap();
    assert!(approved
        .text()
        .await
        .unwrap()
        .contains("Approved as Jordan Builder"));

    let Exchange::Granted(token) = client.exchange_code("who-am-i", &code, None).await.unwrap()
    else {
        panic!("an approved code grants a token");
    };
    let response = client
        .invoke("who-am-i", None, &json!({}), &token.token)
        .await
        .unwrap();
    assert_eq!(
        response.data().unwrap()["viewer"]["user"]["name"],
        "Jordan Builder"
    );
}
