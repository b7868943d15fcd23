//! Saving an answer (`s` in the response pane): as the viewer shows it,
//! JSON pretty-printed, to a file only its owner can read. An existing file
//! is replaced only when the person said so after being asked. Run by the
//! runtime on the blocking pool: it re-indexes the body there, off the loop.

use std::io::{BufWriter, Write};

use super::body::Body;
use crate::buildkite::ResponseBody;

/// Why nothing was saved.
#[derive(Debug, PartialEq, Eq)]
pub enum NotSaved {
    /// The file exists and was left alone: its absolute path, to ask about.
    Exists(String),
    /// It could not be written: what to say (with the absolute path), so
    /// the path can be offered again to be corrected.
    Failed(String),
}

/// `~` or `~/…` as a shell reads it: in the home directory (typed paths
/// are read as a shell would; a file named `~` is `./~`).
fn home_expanded(path: &str, home: Option<std::ffi::OsString>) -> std::path::PathBuf {
    let home = || home.clone().filter(|h| !h.is_empty());
    match path.strip_prefix('~') {
        Some("") => home().map_or_else(|| path.into(), Into::into),
        Some(rest) if rest.starts_with('/') => match home() {
            Some(home) => std::path::Path::new(&home).join(&rest[1..]),
            None => path.into(),
        },
        _ => path.into(),
    }
}

/// Writes `contents` (`what`: the response, or a jq filter's result) to
/// `path`; says what happened: what was saved, and the absolute path.
pub fn save(
    path: &str,
    contents: &ResponseBody,
    overwrite: bool,
    what: &str,
) -> Result<String, NotSaved> {
    let path = home_expanded(path, std::env::var_os("HOME"));
    let full = std::path::absolute(&path).unwrap_or_else(|_| path.clone());
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if overwrite {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = match options.open(&full) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(NotSaved::Exists(full.display().to_string()));
        }
        Err(e) => {
            return Err(NotSaved::Failed(format!(
                "Could not save to {}: {e}",
                full.display()
            )))
        }
    };
    let body = Body::new(contents.clone());
    let written = write_shown(&body, BufWriter::new(file));
    Ok(match written {
        Ok(()) if body.is_json() => {
            format!("Saved {what}, pretty-printed, to {}.", full.display())
        }
        Ok(()) => format!("Saved {what} to {}.", full.display()),
        Err(e) => {
            return Err(NotSaved::Failed(format!(
                "Could not save to {}: {e}",
                full.display()
            )))
        }
    })
}

/// The body as the viewer shows it: JSON line by line, pretty; text as sent.
fn write_shown(body: &Body, mut out: impl Write) -> std::io::Result<()> {
    if !body.is_json() || body.truncated() {
        out.write_all(body.raw().as_bytes())?;
        return out.flush();
    }
    for i in 0..body.line_count() {
        out.write_all(body.line_text(i).as_bytes())?;
        out.write_all(b"\n")?;
    }
    out.flush()
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_path_typed_with_a_tilde_is_in_the_home_directory() {
        let home = Some(std::ffi::OsString::from("/home/riley"));
        let expanded = |path: &str| home_expanded(path, home.clone());
        assert_eq!(
            expanded("~/out.json"),
            std::path::Path::new("/home/riley/out.json")
        );
        assert_eq!(expanded("~"), std::path::Path::new("/home/riley"));
        assert_eq!(expanded("~riley/x"), std::path::Path::new("~riley/x"));
        assert_eq!(expanded("out/~/x"), std::path::Path::new("out/~/x"));
        assert_eq!(home_expanded("~/x", None), std::path::Path::new("~/x"));
    }

    use super::*;

    #[test]
    fn an_answer_is_saved_pretty_privately_and_replaced_only_when_asked() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join("response.json");
        let path = path.to_str().expect("utf-8");
        let said = save(
            path,
            &r#"{"a":[1]}"#.to_owned().into(),
            false,
            "the response",
        )
        .expect("new file");
        assert_eq!(
            said,
            format!("Saved the response, pretty-printed, to {path}.")
        );
        assert_eq!(
            std::fs::read_to_string(path).expect("written"),
            "{\n  \"a\": [\n    1\n  ]\n}\n"
        );
        let again = save(path, &"[]".to_owned().into(), false, "the response");
        assert_eq!(again, Err(NotSaved::Exists(path.to_owned())), "asks first");
        assert!(std::fs::read_to_string(path)
            .expect("kept")
            .contains("\"a\""));
        save(path, &"<html>".to_owned().into(), true, "the response").expect("replaced");
        assert_eq!(std::fs::read_to_string(path).expect("written"), "<html>");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(path).expect("there").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let missing = dir.path().join("no-such-dir").join("x.json");
        let missing = missing.to_str().expect("utf-8");
        match save(missing, &"[]".to_owned().into(), false, "the response") {
            Err(NotSaved::Failed(why)) => {
                assert!(
                    why.starts_with(&format!("Could not save to {missing}: ")),
                    "{why}"
                )
            }
            other => panic!("a directory that is not there fails the save: {other:?}"),
        }
    }
}
