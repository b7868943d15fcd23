//! `doctor`: the checks live in `crate::doctor`; this gathers and prints them.

use super::session::Session;
use super::{Outcome, Output, EXIT_FAILED};
use crate::buildkite::ClientOptions;
use crate::config::{self, ConfigFile, Paths};
use crate::secrets::TokenStore;
use crate::text::sanitize_line;

/// Checks everything it can, even when some of it is broken, and says what to fix.
pub(super) async fn doctor(demo: bool, org_flag: Option<&str>, out: Output) -> Outcome {
    use crate::doctor::{check_endpoints, check_files, Check, Verdict};
    let mut checks: Vec<Check> = Vec::new();
    let problem = |what: &str, fix: String| Check {
        verdict: Verdict::Problem,
        what: what.to_owned(),
        fix: Some(fix),
    };
    let settings = if demo {
        let session = Session::open(true, org_flag).await?;
        checks.extend(check_files(
            &Paths::discover().config_file,
            &session.data_dir,
            &session.store,
        ));
        checks.extend(check_endpoints(&session.settings, ClientOptions::default()).await);
        None
    } else {
        let paths = Paths::discover();
        let file = match ConfigFile::load(&paths.config_file) {
            Ok(file) => {
                checks.extend(file.warnings.iter().map(|unknown| Check {
                    verdict: Verdict::Warning,
                    what: "the config file has a key this version does not know".to_owned(),
                    fix: Some(format!("{unknown}: remove or rename it")),
                }));
                file
            }
            Err(e) => {
                checks.push(problem("the config file is broken", e.to_string()));
                ConfigFile::default()
            }
        };
        let mut store = match TokenStore::open(&paths.token_store()) {
            Ok(store) => store,
            Err(e) => {
                checks.push(problem("the token store cannot be read", e.to_string()));
                TokenStore::in_memory()
            }
        };
        checks.extend(check_files(&paths.config_file, &paths.data_dir, &store));
        match config::resolve(
            &file,
            &paths.config_file,
            |name| std::env::var(name).ok(),
            org_flag,
            &mut store,
        ) {
            Ok(settings) => Some(settings),
            Err(e) => {
                checks.push(problem("settings", e.to_string()));
                None
            }
        }
    };
    if let Some(settings) = settings {
        checks.extend(check_endpoints(&settings, ClientOptions::default()).await);
    }
    let failed = checks.iter().any(|c| c.verdict == Verdict::Problem);
    if out.json {
        out.print_json(&checks)?;
    } else {
        for check in &checks {
            let mark = match check.verdict {
                Verdict::Ok => "✓",
                Verdict::Warning => "!",
                Verdict::Problem => "✗",
            };
            match &check.fix {
                Some(fix) => println!(
                    "{mark} {}\n    → {}",
                    sanitize_line(&check.what),
                    sanitize_line(fix)
                ),
                None => println!("{mark} {}", sanitize_line(&check.what)),
            }
        }
    }
    Ok(if failed { EXIT_FAILED } else { 0 })
}
