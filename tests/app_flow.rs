//! Whole flows of the app in process: the real event loop and runtime on a
//! `TestBackend`, fed a script of terminal events, against a sandbox on
//! loopback. (What only a real terminal shows is in tui_e2e.rs and signals.rs.)

use std::collections::VecDeque;
use std::future::Future;
use std::time::Duration;

use bkportals::secrets::{Backend, Secret, TokenStore};
use bkportals::tui::terminal::Console;
use bkportals::tui::Services;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

mod common;
#[path = "app_flow/drafts.rs"]
mod drafts;
mod fake;
#[path = "app_flow/keys.rs"]
mod keys;
#[path = "app_flow/server.rs"]
mod server;
#[path = "app_flow/streamed.rs"]
mod streamed;

enum Step {
    Key(KeyEvent),
    Paste(&'static str),
    /// Waits until the screen shows this text.
    Show(&'static str),
    /// Waits until the screen shows the first text, then fails if it also
    /// shows the second.
    ShowWithout(&'static str, &'static str),
    /// Looks at the screen as it is now (and may act, e.g. let a server go on).
    Check(Box<dyn FnOnce(&str) + Send>),
}

fn key(code: KeyCode) -> Step {
    Step::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn ctrl(c: char) -> Step {
    Step::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

/// From the list to a run of who-am-i: filter, open, run.
fn run_who_am_i() -> Vec<Step> {
    let mut steps = vec![Step::Show("4 portals in demo"), key(KeyCode::Char('/'))];
    steps.extend(typed("who"));
    steps.push(Step::Show("Portals · demo (1/4)"));
    steps.push(key(KeyCode::Enter));
    steps.push(key(KeyCode::Enter));
    steps.push(ctrl('r'));
    steps
}

fn typed(text: &str) -> impl Iterator<Item = Step> + '_ {
    text.chars().map(|c| key(KeyCode::Char(c)))
}

/// The curl command `C` copies for `slug` with `body` (compact JSON).
fn curl_of(sandbox: &bkportals::sandbox::RunningSandbox, slug: &str, body: &str) -> String {
    let url = format!(
        "{}organizations/demo/portals/{slug}",
        sandbox.portal_endpoint()
    );
    format!(
        "curl -X POST '{url}' \\\n  -H \"Authorization: Bearer $TOKEN\" \\\n  -H 'Content-Type: application/json' \\\n  -H 'Accept: application/json' \\\n  --data-raw '{body}'"
    )
}

/// Makes a portal of `query` on the sandbox (it takes any that parses).
async fn create_portal(sandbox: &bkportals::sandbox::RunningSandbox, name: &str, query: String) {
    common::rest(sandbox)
        .create(&bkportals::buildkite::NewPortal {
            name: name.into(),
            query,
            slug: None,
            description: None,
            allowed_ip_addresses: None,
            user_invokable: false,
        })
        .await
        .unwrap();
}

/// Waits for `listed` portals, filters by `filter` until `shown` is on
/// screen, and opens the one it keeps in the document.
fn into_the_document(listed: &'static str, filter: &str, shown: &'static str) -> Vec<Step> {
    let mut steps = vec![Step::Show(listed), key(KeyCode::Char('/'))];
    steps.extend(typed(filter));
    steps.push(Step::Show(shown));
    steps.push(key(KeyCode::Enter)); // the filter closes on it
    steps.push(key(KeyCode::Enter)); // into its document
    steps
}

/// Types a line into `who-am-i`'s document and quits, leaving it as a draft
/// for the next start.
fn leave_a_draft_of_who_am_i() -> Vec<Step> {
    let mut steps = into_the_document("4 portals in demo", "who", "Portals · demo (1/4)");
    steps.push(Step::Paste("# a draft\r"));
    steps.push(Step::Show("● modified"));
    steps.push(key(KeyCode::Esc));
    steps.push(key(KeyCode::Char('q')));
    steps.push(Step::Show("stays on disk as a draft"));
    steps.push(key(KeyCode::Char('y')));
    steps
}

/// A terminal that plays `steps`: an event whenever the loop asks for one,
/// but only once the screen shows what the script waits for.
struct Scripted {
    terminal: Terminal<TestBackend>,
    steps: VecDeque<Step>,
    copied: Vec<String>,
    /// Texts no frame may ever show (pasted tokens).
    never: Vec<String>,
}

impl Scripted {
    fn new(steps: impl IntoIterator<Item = Step>) -> Scripted {
        Scripted {
            terminal: Terminal::new(TestBackend::new(140, 40)).unwrap(),
            steps: steps.into_iter().collect(),
            copied: Vec::new(),
            never: Vec::new(),
        }
    }

    fn screen(&self) -> String {
        let buffer = self.terminal.backend().buffer();
        let width = buffer.area.width as usize;
        let cells: Vec<&str> = buffer.content.iter().map(|c| c.symbol()).collect();
        cells
            .chunks(width)
            .map(|row| row.concat())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl Console for Scripted {
    type Backend = TestBackend;

    fn terminal(&mut self) -> &mut Terminal<TestBackend> {
        &mut self.terminal
    }

    fn next_event(&mut self) -> impl Future<Output = Option<std::io::Result<Event>>> {
        // The loop draws before it waits: the screen is current here. When
        // the awaited text is not there yet, wait for the loop's next frame.
        let screen = self.screen();
        for never in &self.never {
            assert!(!screen.contains(never.as_str()), "shown:\n{screen}");
        }
        loop {
            let screen = self.screen();
            match self.steps.front() {
                Some(Step::Show(text)) if screen.contains(text) => {}
                Some(Step::ShowWithout(text, absent)) if screen.contains(text) => {
                    assert!(!screen.contains(absent), "{absent:?} is shown:\n{screen}");
                }
                Some(Step::Check(_)) => {}
                _ => break,
            }
            if let Some(Step::Check(check)) = self.steps.pop_front() {
                check(&screen);
            }
        }
        let event = match self.steps.front() {
            Some(Step::Key(key)) => Some(Event::Key(*key)),
            Some(Step::Paste(text)) => Some(Event::Paste(text.to_string())),
            Some(Step::Show(_) | Step::ShowWithout(..) | Step::Check(_)) | None => None,
        };
        if event.is_some() {
            self.steps.pop_front();
        }
        async move {
            match event {
                Some(event) => Some(Ok(event)),
                None => std::future::pending().await,
            }
        }
    }

    fn edit_externally(&mut self, _text: &str) -> std::io::Result<Result<String, String>> {
        Ok(Err("no editor in this test".into()))
    }

    fn copy(&mut self, text: &str) -> String {
        self.copied.push(text.to_owned());
        "Copied.".into()
    }
}

async fn services(sandbox: &bkportals::sandbox::RunningSandbox, dir: &std::path::Path) -> Services {
    let mut store = TokenStore::in_memory();
    for (slug, token) in &sandbox.portal_tokens {
        store
            .set_portal_token(&sandbox.org_slug, slug, Secret::new(token))
            .unwrap();
    }
    Services {
        rest: common::rest(sandbox),
        portals: common::portal_client(sandbox),
        store,
        drafts: bkportals::drafts::DraftStore::new(&dir.join("data")),
        schema: bkportals::schema_cache::SchemaSource {
            cache: bkportals::schema_cache::SchemaCache::new(&dir.join("cache")),
            endpoint: sandbox.graphql_endpoint().parse().unwrap(),
            token: Some(Secret::new(&sandbox.api_token)),
        },
        warnings: Vec::new(),
        declared: None,
        needs_sign_in: false,
    }
}

/// Plays `steps` on the app over `sandbox` until it quits (with 0), or
/// fails saying where the script stopped.
async fn play(
    sandbox: &bkportals::sandbox::RunningSandbox,
    dir: &std::path::Path,
    steps: Vec<Step>,
) -> Scripted {
    play_on(Scripted::new(steps), services(sandbox, dir).await, 0).await
}

/// Plays `console`'s script on the app with `services` until it ends with
/// `code`, or fails saying where the script stopped.
async fn play_on(mut console: Scripted, services: Services, code: u8) -> Scripted {
    let run = bkportals::tui::run_on(&mut console, services, std::future::pending());
    let ended = tokio::time::timeout(Duration::from_secs(30), run).await;
    let screen = console.screen();
    let next = console.steps.front().map(|step| match step {
        Step::Show(text) | Step::ShowWithout(text, _) => format!("waiting for {text:?}"),
        Step::Key(key) => format!("key {key:?}"),
        Step::Paste(_) => "a paste".into(),
        Step::Check(_) => "a check".into(),
    });
    match ended {
        Ok(result) => assert_eq!(result.unwrap(), code, "the app's exit code:\n{screen}"),
        Err(_) => panic!("the flow stopped at {next:?}:\n{screen}"),
    }
    assert!(console.steps.is_empty(), "the whole script ran");
    console
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filter_paste_lines_from_a_terminal_save_run_and_quit() {
    let sandbox = common::sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let mut steps = vec![Step::Show("Recent builds"), Step::Show("4 portals in demo")];
    steps.push(key(KeyCode::Char('/')));
    steps.extend(typed("who"));
    steps.push(Step::Show("Portals · demo (1/4)"));
    steps.push(key(KeyCode::Enter)); // the filter closes on Who am I
    steps.push(key(KeyCode::Enter)); // into its document
                                     // Lines as terminals and tmux send them: separated by CR.
    steps.push(Step::Paste("# pasted one\r# pasted two\r"));
    steps.push(Step::Show("● modified"));
    steps.push(ctrl('s'));
    steps.push(Step::Show("Saved who-am-i."));
    steps.push(ctrl('r'));
    steps.push(Step::Show("· HTTP 200 ·"));
    steps.push(key(KeyCode::Esc));
    steps.push(key(KeyCode::Char('q')));
    play(&sandbox, dir.path(), steps).await;
    let saved = common::rest(&sandbox).get("who-am-i").await.unwrap();
    assert!(
        saved.query.starts_with("# pasted one\n# pasted two\n"),
        "each pasted line is a line of the saved document: {:?}",
        saved.query
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_in_the_app_is_recorded_in_the_history_and_copies_as_curl() {
    let sandbox = common::sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let mut steps = run_who_am_i();
    steps.push(Step::Show("· HTTP 200 ·"));
    // The answer has the focus: C copies the request as curl.
    steps.push(key(KeyCode::Char('C')));
    steps.push(Step::Show("Copied"));
    steps.push(Step::Show(
        "Copied a curl command for who-am-i ($TOKEN in place of its token).",
    ));
    steps.push(key(KeyCode::Esc));
    steps.push(key(KeyCode::Char('q')));
    let console = play(&sandbox, dir.path(), steps).await;
    assert_eq!(console.copied, [curl_of(&sandbox, "who-am-i", "{}")]);

    // The same history `bkportals history` reads, beside the drafts.
    let history = bkportals::history::History::new(&dir.path().join("data"));
    let entries = history.entries(&sandbox.org_slug, "who-am-i");
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0].token, "admin");
    assert_eq!(entries[0].status, Some(200));
    // As sent: a document of one operation needs no operation_name.
    assert_eq!(entries[0].operation, None);
    assert!(
        entries[0].answer.contains("\"viewer\""),
        "{:?}",
        entries[0].answer
    );
    let on_disk = format!("{entries:?}");
    for (_, token) in &sandbox.portal_tokens {
        assert!(!on_disk.contains(token.as_str()), "never the token");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn h_lists_the_recorded_runs_and_enter_runs_one_again() {
    let sandbox = common::sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let mut steps = run_who_am_i();
    steps.push(Step::Show("· HTTP 200 ·"));
    // The answer has the focus: H reads the history from disk.
    steps.push(key(KeyCode::Char('H')));
    steps.push(Step::Show("1 run of who-am-i, newest first"));
    steps.push(Step::Show("admin  200"));
    steps.push(key(KeyCode::Enter)); // runs it again
                                     // Reading the history cleared the first run's line: this is the second.
    steps.push(Step::Show("who-am-i: HTTP 200 in"));
    steps.push(key(KeyCode::Char('H')));
    steps.push(Step::Show("2 runs of who-am-i, newest first"));
    steps.push(key(KeyCode::Esc));
    steps.push(key(KeyCode::Esc));
    steps.push(key(KeyCode::Char('q')));
    play(&sandbox, dir.path(), steps).await;
    let history = bkportals::history::History::new(&dir.path().join("data"));
    let entries = history.entries(&sandbox.org_slug, "who-am-i");
    assert_eq!(entries.len(), 2, "{entries:?}");
    assert_eq!(entries[1].variables, entries[0].variables);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn variables_typed_once_are_there_after_a_restart_and_only_in_a_private_file() {
    let sandbox = common::sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let to_the_form = || {
        let mut steps = vec![Step::Show("4 portals in demo"), key(KeyCode::Char('/'))];
        steps.extend(typed("recent"));
        steps.push(key(KeyCode::Enter));
        steps.push(key(KeyCode::Tab));
        steps.push(key(KeyCode::F(6))); // the operation picker (Tab indents the document)
        steps.push(key(KeyCode::Down)); // $pipelineSlug
        steps
    };
    let mut first = to_the_form();
    first.extend(typed("demo/remembered-value"));
    first.push(key(KeyCode::Esc));
    first.push(key(KeyCode::Char('q')));
    play(&sandbox, dir.path(), first).await;

    let kept = dir.path().join("data/drafts/demo/form-values");
    let text = std::fs::read_to_string(&kept).expect("the values are kept");
    assert!(text.contains("demo/remembered-value"), "{text}");
    for (_, token) in &sandbox.portal_tokens {
        assert!(!text.contains(token.as_str()), "no token in {text}");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&kept).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "only its owner reads it");
    }

    let mut second = to_the_form();
    second.push(Step::Show("demo/remembered-value"));
    second.push(key(KeyCode::Esc));
    second.push(key(KeyCode::Char('q')));
    play(&sandbox, dir.path(), second).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_list_is_kept_for_the_next_launch_privately_and_without_tokens() {
    let sandbox = common::sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let steps = vec![Step::Show("4 portals in demo"), key(KeyCode::Char('q'))];
    play(&sandbox, dir.path(), steps).await;
    let kept = dir.path().join("cache/portal-lists/demo.jsonl");
    let mut text = String::new();
    for _ in 0..50 {
        // Written on the blocking pool as the listing ends.
        match std::fs::read_to_string(&kept) {
            Ok(found) if !found.is_empty() => {
                text = found;
                break;
            }
            _ => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    }
    assert!(text.contains("recent-builds"), "the list is kept: {text}");
    for (_, token) in &sandbox.portal_tokens {
        assert!(!text.contains(token.as_str()), "no token in the cache");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&kept).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "only its owner reads it");
    }
    let steps = vec![
        Step::Show("Recent builds"),
        Step::Show("4 portals in demo"),
        key(KeyCode::Char('q')),
    ];
    play(&sandbox, dir.path(), steps).await;
}

/// The app started without an API token (as `bkportals` at a terminal with
/// none), its token store a file in `dir` so the test reads what was kept.
async fn signed_out(
    sandbox: &bkportals::sandbox::RunningSandbox,
    dir: &std::path::Path,
) -> Services {
    let mut services = services(sandbox, dir).await;
    services.rest = common::rest_with_token(sandbox, "");
    services.store = TokenStore::open_with(&dir.join("tokens.toml"), Backend::File).unwrap();
    services.schema.token = None;
    services.needs_sign_in = true;
    services
}

fn stored_api_token(dir: &std::path::Path, org: &str) -> Option<String> {
    let mut store = TokenStore::open_with(&dir.join("tokens.toml"), Backend::File).unwrap();
    store.api_token(org).map(|t| t.expose().to_owned())
}

/// The input line of a dialog holding `token`, masked.
fn dots(token: &str) -> Step {
    Step::Show(format!("› {}", "•".repeat(token.chars().count())).leak())
}

fn pasted(token: &str) -> Step {
    Step::Paste(token.to_owned().leak())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_an_api_token_the_app_signs_in_in_a_dialog_and_lists() {
    let sandbox = common::sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let steps = vec![
        server::shows(&sandbox, "Sign in to {server}"),
        server::shows(&sandbox, "an API access token of {server} for `demo`"),
        Step::Show("write_portals"),
        // The sandbox is not Buildkite: no link to buildkite.com's tokens.
        Step::ShowWithout("not to Buildkite", "api-access-tokens"),
        Step::Show("prints its token"),
        pasted(&sandbox.api_token),
        dots(&sandbox.api_token), // the token masked, a dot a character
        key(KeyCode::Enter),
        Step::ShowWithout("Signed in to demo", "Sign in to "),
        Step::Show("the token is stored"),
        Step::Show("Who am I"), // the list loaded with the new token
        key(KeyCode::Char('q')),
    ];
    let mut console = Scripted::new(steps);
    console.never.push(sandbox.api_token.clone());
    play_on(console, signed_out(&sandbox, dir.path()).await, 0).await;
    assert_eq!(
        stored_api_token(dir.path(), &sandbox.org_slug).as_deref(),
        Some(sandbox.api_token.as_str()),
        "stored as `bkportals auth login` stores it"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_lacking_a_scope_is_named_in_the_dialog_and_kept_only_when_asked() {
    let sandbox = common::sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    // The sandbox accepted it, not Buildkite: the server is named.
    let server =
        bkportals::api_token::other_server(&url::Url::parse(&sandbox.rest_endpoint()).unwrap())
            .expect("the sandbox is not Buildkite");
    let steps = vec![
        server::shows(&sandbox, "Sign in to {server}"),
        pasted(common::NO_PORTAL_SCOPES_TOKEN),
        key(KeyCode::Enter),
        // Without read_portals nothing lists: no way to use it as it is.
        Step::ShowWithout("accepted the token, but it lacks:", "Ctrl-o"),
        Step::Check(Box::new(move |screen| {
            assert!(
                screen.contains(&format!("{server} accepted the token, but it lacks:")),
                "{screen}"
            );
            assert!(!screen.contains("Buildkite accepted"), "{screen}");
        })),
        ctrl('u'),
        pasted(common::READ_ONLY_TOKEN),
        key(KeyCode::Enter),
        Step::Show("Ctrl-o use it as it is"),
        // The token stays in the input: Enter checks it again.
        key(KeyCode::Enter),
        Step::Show("Esc stop the check"),
        Step::Show("Ctrl-o use it as it is"),
        ctrl('o'),
        Step::Show("Signed in to demo"),
        Step::Show("the token lacks write_portals, graphql; it is stored for"),
        Step::Show("Who am I"),
        key(KeyCode::Char('q')),
    ];
    let mut console = Scripted::new(steps);
    console.never.push(common::NO_PORTAL_SCOPES_TOKEN.into());
    console.never.push(common::READ_ONLY_TOKEN.into());
    play_on(console, signed_out(&sandbox, dir.path()).await, 0).await;
    assert_eq!(
        stored_api_token(dir.path(), &sandbox.org_slug).as_deref(),
        Some(common::READ_ONLY_TOKEN),
        "the one chosen as it is, not the first"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_token_is_said_in_the_dialog_and_esc_then_y_leaves_not_signed_in() {
    let sandbox = common::sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let wrong = "bkua_not_a_real_token";
    let steps = vec![
        server::shows(&sandbox, "Sign in to {server}"),
        Step::Show("Not signed in yet"),
        pasted(wrong),
        key(KeyCode::Enter),
        // By the sandbox, not Buildkite: no buildkite.com page to make one on.
        Step::ShowWithout("refused this API token", "Buildkite refused"),
        Step::ShowWithout("copied whole", "api-access-tokens"),
        // What was pasted is still there, to correct.
        dots(wrong),
        key(KeyCode::Esc),
        // It asks before dropping what was pasted.
        Step::Show("Quit without signing in? What you typed is dropped."),
        key(KeyCode::Char('y')),
    ];
    let mut console = Scripted::new(steps);
    console.never.push(wrong.into());
    play_on(
        console,
        signed_out(&sandbox, dir.path()).await,
        bkportals::tui::app::EXIT_NOT_SIGNED_IN,
    )
    .await;
    assert_eq!(stored_api_token(dir.path(), &sandbox.org_slug), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn c_on_the_variables_pane_copies_the_typed_variables_or_names_the_one_that_does_not_convert()
{
    let sandbox = common::sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let mut steps = into_the_document("4 portals in demo", "overview", "Portals · demo (1/4)");
    steps.push(key(KeyCode::F(6))); // the variables: `$first: Int = 10`
    steps.push(Step::Show("$first"));
    steps.push(key(KeyCode::End)); // into the default: it is edited, not replaced
    steps.push(key(KeyCode::Char('C'))); // on a value C is typed: "10C" is no Int
    steps.push(key(KeyCode::Down)); // on Run, C is not typed: it copies
    steps.push(key(KeyCode::Char('C')));
    steps.push(Step::Show(
        "Nothing copied: $first expects an Int (a whole number), got `10C`",
    ));
    steps.push(key(KeyCode::Up));
    steps.push(key(KeyCode::Backspace));
    steps.push(key(KeyCode::Char('2'))); // "102"
    steps.push(ctrl('t')); // the raw JSON view: C copies there too
    steps.push(key(KeyCode::Char('C')));
    steps.push(Step::Show("Copied"));
    steps.push(key(KeyCode::Esc));
    steps.push(key(KeyCode::Char('q')));
    let console = play(&sandbox, dir.path(), steps).await;
    assert_eq!(
        console.copied,
        [curl_of(&sandbox, "pipeline-overview", r#"{"first":102}"#)],
        "the variables as typed, the token never"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_list_marks_a_document_the_schema_refuses_and_its_fields_say_why() {
    let sandbox = common::sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    // It parses (the sandbox takes it), but the schema has no such field.
    create_portal(
        &sandbox,
        "Stale fields",
        "query Stale { viewer { user { nickname } } }".into(),
    )
    .await;
    let mut steps = vec![Step::Show("5 portals in demo"), key(KeyCode::Char('/'))];
    steps.extend(typed("stale"));
    steps.push(Step::Show("▶    !Stale fields"));
    steps.push(key(KeyCode::Enter)); // the filter closes on Stale fields
                                     // Once the sandbox's schema has arrived (introspection over loopback).
    steps.push(Step::Show("! its document does not validate: 1:31:"));
    steps.push(key(KeyCode::Char('/')));
    for _ in "stale".chars() {
        steps.push(key(KeyCode::Backspace));
    }
    steps.extend(typed("who"));
    steps.push(Step::Show("Portals · demo (1/5)"));
    steps.push(key(KeyCode::Enter));
    steps.push(Step::Show("Who am I"));
    steps.push(key(KeyCode::Char('q')));
    let console = play(&sandbox, dir.path(), steps).await;
    let screen = console.screen();
    assert!(
        screen.contains("UT Who am I"),
        "a document that validates is not marked:\n{screen}"
    );
    assert!(screen.contains("f edit fields"), "{screen}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_document_border_counts_the_requested_complexity_as_you_type() {
    let sandbox = common::sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let mut steps = into_the_document("4 portals in demo", "overview", "Portals · demo (1/4)");
    steps.push(key(KeyCode::End));
    // 3 + 10 pipelines × 4, with `$first`'s default of 10.
    steps.push(Step::Show(" PipelineOverview ~43 points "));
    for _ in 0..3 {
        steps.push(key(KeyCode::Left)); // before `) {`
    }
    steps.push(key(KeyCode::Char('0'))); // `$first: Int = 100`
    steps.push(Step::Show(" PipelineOverview ~403 points "));
    steps.extend(typed("00")); // 10,000 pipelines: near Buildkite's limit
    steps.push(Step::Show(
        " PipelineOverview ~40,003 points · near the 50,000 limit ",
    ));
    steps.push(key(KeyCode::Backspace));
    steps.push(Step::Show(" PipelineOverview ~4,003 points "));
    steps.push(ctrl('z'));
    steps.push(ctrl('z'));
    steps.push(Step::Show(" PipelineOverview ~43 points ")); // undone: as saved
    steps.push(key(KeyCode::Esc));
    steps.push(key(KeyCode::Char('q')));
    play(&sandbox, dir.path(), steps).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_document_is_counted_off_the_input_path_and_shown_when_counted() {
    let sandbox = common::sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let padding = "# a comment line that makes the document larger than 16 KB\n".repeat(400);
    let query = format!("{padding}query Big {{ viewer {{ user {{ name }} }} }}\n");
    create_portal(&sandbox, "Big one", query).await;
    let mut steps = into_the_document("5 portals in demo", "big one", "Portals · demo (1/5)");
    steps.push(ctrl('a')); // any key starts the edit
    steps.push(Step::Show(" Big ~2 points "));
    steps.push(key(KeyCode::Esc));
    steps.push(key(KeyCode::Char('q')));
    play(&sandbox, dir.path(), steps).await;
}
