//! `completions bash|zsh|fish`: the scripts clap_complete makes from the
//! command definitions, plus portal slugs completed from the last `list`
//! (`completions --slugs` prints them; the scripts call it).

use std::io::Write;

use clap::CommandFactory;
use clap_complete::Shell;

use super::session::Session;
use super::{Cli, Outcome};

const BIN: &str = "bkportals";

/// Subcommands whose first argument is a portal slug.
const SLUG_COMMANDS: &str = "show update delete invoke history rotate";
/// `token` subcommands whose first argument is a portal slug.
const TOKEN_SLUG_COMMANDS: &str = "login ephemeral add forget";

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub(super) enum CompletionShell {
    Bash,
    Zsh,
    Fish,
}

pub(super) fn script(shell: CompletionShell) -> Outcome {
    let mut generated = Vec::new();
    let shell_kind = match shell {
        CompletionShell::Bash => Shell::Bash,
        CompletionShell::Zsh => Shell::Zsh,
        CompletionShell::Fish => Shell::Fish,
    };
    clap_complete::generate(shell_kind, &mut Cli::command(), BIN, &mut generated);
    let generated = String::from_utf8_lossy(&generated);
    let script = match shell {
        CompletionShell::Bash => format!("{generated}\n{}", bash_slugs()),
        CompletionShell::Zsh => zsh_with_slugs(&generated),
        CompletionShell::Fish => format!("{generated}\n{}", fish_slugs()),
    };
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(script.as_bytes())?;
    stdout.flush()?;
    Ok(0)
}

/// The slugs to offer: the last listed, and those with a stored token. Only
/// plain slugs: a completion list goes straight to the shell.
pub(super) fn print_slugs(session: &Session) -> Outcome {
    let org = session.org();
    let mut slugs = crate::slug_cache::SlugCache::new(&session.cache_dir).slugs(org);
    slugs.extend(session.store.portal_slugs(org));
    slugs.sort();
    slugs.dedup();
    let mut stdout = std::io::stdout().lock();
    for slug in slugs.iter().filter(|s| is_plain_slug(s)) {
        writeln!(stdout, "{slug}")?;
    }
    Ok(0)
}

fn is_plain_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// A wrapper around clap's function: slugs where a slug goes, clap's answer
/// everywhere else.
fn bash_slugs() -> String {
    format!(
        r#"_bkportals_with_slugs() {{
    _bkportals "$@"
    local cur="${{COMP_WORDS[COMP_CWORD]}}" words=() i
    [[ "$cur" == -* ]] && return 0
    for ((i = 1; i < COMP_CWORD; i++)); do
        case "${{COMP_WORDS[i]}}" in
            --org) ((i++)) ;;
            -*) ;;
            *) words+=("${{COMP_WORDS[i]}}") ;;
        esac
    done
    if [[ ${{#words[@]}} -eq 1 && " {SLUG_COMMANDS} " == *" ${{words[0]}} "* ]] ||
       [[ ${{#words[@]}} -eq 2 && "${{words[0]}}" == token && " {TOKEN_SLUG_COMMANDS} " == *" ${{words[1]}} "* ]]; then
        COMPREPLY=( $(compgen -W "$({BIN} completions --slugs 2>/dev/null)" -- "$cur") )
    fi
}}
complete -F _bkportals_with_slugs -o bashdefault -o default {BIN}
"#
    )
}

/// clap leaves a slug to `_default` (files); here it is the slug list.
fn zsh_with_slugs(generated: &str) -> String {
    let mut script: String = generated
        .lines()
        .map(|line| {
            if line.trim_start().starts_with("':slug") {
                line.replace(":_default'", ":_bkportals_slugs'")
            } else {
                line.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let helper = format!(
        r#"
(( $+functions[_bkportals_slugs] )) ||
_bkportals_slugs() {{
    local -a slugs
    slugs=(${{(f)"$({BIN} completions --slugs 2>/dev/null)"}})
    _describe -t portals 'portal slug' slugs
}}
"#
    );
    // The helper must exist before zsh runs the `compdef` at the end.
    match script.rfind("\nif [ \"$funcstack[1]\" = \"_bkportals\" ]") {
        Some(at) => script.insert_str(at, &helper),
        None => script.push_str(&helper),
    }
    script.push('\n');
    script
}

fn fish_slugs() -> String {
    format!(
        r#"complete -c {BIN} -n "__fish_seen_subcommand_from {SLUG_COMMANDS}; and not __fish_seen_subcommand_from token auth" -f -a "({BIN} completions --slugs 2>/dev/null)"
complete -c {BIN} -n "__fish_seen_subcommand_from token; and __fish_seen_subcommand_from {TOKEN_SLUG_COMMANDS}" -f -a "({BIN} completions --slugs 2>/dev/null)"
"#
    )
}
