//! A run that asks for too much says so before Buildkite refuses it.

use super::*;

const DEEP: &str = "query Deep { organization(slug: \"demo\") { pipelines(first: 500) { edges { node {\n  builds(first: 500) { edges { node { number } } } } } } } }\n";

#[test]
fn a_run_over_the_complexity_limit_warns_with_the_count() {
    let mut app = App::new("demo", vec!["deep".into(), "light".into()]);
    app.init();
    app.update(Msg::PortalsPage(vec![
        portal("deep", "Deep", None, DEEP),
        portal("light", "Light", None, WHO),
    ]));
    app.update(Msg::PortalsLoaded);
    assert_eq!(names(&ctrl(&mut app, 'r')), ["invoke"]);
    assert!(
        app.status.contains(
            "query `Deep` requests 251,503 complexity points (Buildkite refuses over 50,000)"
        ),
        "{}",
        app.status
    );
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Down);
    assert_eq!(names(&ctrl(&mut app, 'r')), ["invoke"]);
    assert!(!app.status.contains("complexity"), "{}", app.status);
}
