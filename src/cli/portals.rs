//! `list`, `show`, `create`, `update` and `delete`.

use std::io::{IsTerminal, Write};

use serde_json::{json, Value};

use super::session::{read_input, Session};
use super::{
    schema, warn, CreateArgs, Failure, Outcome, Output, UpdateArgs, EXIT_FAILED, EXIT_USAGE,
};
use crate::buildkite::{NewPortal, Portal, PortalChanges};
use crate::text::{sanitize, sanitize_line};

pub(super) async fn list(session: &Session, out: Output) -> Outcome {
    let portals = session.rest()?.list().await?;
    session.remember_slugs(&portals);
    if out.json {
        out.print_json(&portals)?;
        return Ok(0);
    }
    if portals.is_empty() {
        eprintln!(
            "Organization `{}` has no portals yet. Create one with:\n  bkportals create --name \"My portal\" --query-file portal.graphql",
            session.org()
        );
        return Ok(0);
    }
    let width = portals
        .iter()
        .map(|p| sanitize_line(&p.slug).chars().count())
        .max()
        .unwrap_or(4)
        .max(4);
    let with_token = session.store.portal_slugs(session.org());
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{:<width$}  FLAGS  NAME", "SLUG")?;
    for p in &portals {
        let flags = format!(
            "{}{}",
            if p.user_invokable { 'U' } else { '-' },
            if with_token.contains(&p.slug) {
                'T'
            } else {
                '-'
            }
        );
        writeln!(
            stdout,
            "{:<width$}  {flags:<5}  {}",
            sanitize_line(&p.slug),
            sanitize_line(&p.name)
        )?;
    }
    eprintln!(
        "{} portals · U = user-invokable, T = token stored",
        portals.len()
    );
    Ok(0)
}

pub(super) async fn show(session: &Session, out: Output, slug: &str) -> Outcome {
    let portal = session.rest()?.get(slug).await?;
    if out.json {
        out.print_json(&portal)?;
        return Ok(0);
    }
    print!("{}", describe(session, &portal));
    Ok(0)
}

fn describe(session: &Session, p: &Portal) -> String {
    let line = |v: &Option<String>, none: &str| {
        v.as_deref()
            .map(sanitize_line)
            .unwrap_or_else(|| none.into())
    };
    let email = p.created_by.as_ref().and_then(|c| c.email.as_deref());
    let creator = match email {
        Some(email) if email != p.creator_name() => format!(
            " by {} <{}>",
            sanitize_line(p.creator_name()),
            sanitize_line(email)
        ),
        _ => format!(" by {}", sanitize_line(p.creator_name())),
    };
    let endpoint = session
        .portal_client()
        .map(|c| c.portal_url(&p.slug, None).to_string())
        .unwrap_or_default();
    let yes_no = |b: bool| if b { "yes" } else { "no" };
    format!(
        "Name:            {}\nSlug:            {}\nUUID:            {}\nDescription:     {}\nAllowed IPs:     {}\nUser-invokable:  {}\nCreated:         {}{}\nToken stored:    {}\nEndpoint:        {}\n\n{}\n",
        sanitize_line(&p.name),
        sanitize_line(&p.slug),
        sanitize_line(&p.uuid),
        line(&p.description, "(none)"),
        line(&p.allowed_ip_addresses, "any address"),
        yes_no(p.user_invokable),
        sanitize_line(&p.created_at),
        creator,
        yes_no(session.store.has_portal_token(session.org(), &p.slug)),
        endpoint,
        sanitize(p.query.trim_end()),
    )
}

/// `--allowed-ips` checked here as the app checks it as you type, so a
/// wrong block is said before anything is sent.
fn checked_allowed_ips(list: Option<String>) -> Result<Option<String>, Failure> {
    match list.as_deref().and_then(crate::tui::dialogs::form::cidr_error) {
        None => Ok(list),
        Some(wrong) => Err(Failure(
            format!(
                "--allowed-ips: {}; give space-separated blocks, each an address, `/` and a prefix length \
                 of at most 32 for IPv4 or 128 for IPv6 (a bare address is one address)",
                sanitize_line(&wrong)
            ),
            EXIT_USAGE,
        )),
    }
}

/// A slug given with `flag`, checked here as the forms check it.
fn checked_slug(slug: Option<String>, flag: &str) -> Result<Option<String>, Failure> {
    match slug
        .as_deref()
        .and_then(crate::buildkite::slug::slug_problem)
    {
        None => Ok(slug),
        Some(why) => Err(Failure(format!("{flag}: {why}"), EXIT_USAGE)),
    }
}

pub(super) async fn create(session: &mut Session, out: Output, args: CreateArgs) -> Outcome {
    let allowed_ips = checked_allowed_ips(args.allowed_ips)?;
    let slug = checked_slug(args.slug, "--slug")?;
    let query = read_input(&args.query_file, "the query file")?;
    if !args.no_validate {
        schema::refuse_invalid(session, &query).await?;
    }
    let new = NewPortal {
        name: args.name,
        query,
        slug,
        description: args.description,
        allowed_ip_addresses: allowed_ips,
        user_invokable: args.user_invokable,
    };
    let created = session.rest()?.create(&new).await?;
    let slug = created.portal.slug.clone();
    let org = session.org().to_owned();
    let stored = session
        .store
        .set_portal_token(&org, &slug, created.token.clone());
    if out.json {
        out.print_json(&json!({ "portal": created.portal, "token": created.token.expose() }))?;
    } else {
        eprintln!("Created portal `{}`.", sanitize_line(&slug));
        eprintln!(
            "Its token is shown this once; {} cannot show it again:",
            session.server_name()
        );
        println!("{}", sanitize_line(created.token.expose()));
    }
    match stored {
        Ok(()) => eprintln!("The token is {}.", session.store.describe()),
        Err(e) => warn(format!(
            "the token was not stored ({e}); keep the copy above"
        )),
    }
    Ok(0)
}

pub(super) async fn update(session: &mut Session, out: Output, args: UpdateArgs) -> Outcome {
    let allowed_ips = checked_allowed_ips(args.allowed_ips)?;
    let new_slug = checked_slug(args.new_slug, "--new-slug")?;
    let query = match &args.query_file {
        Some(path) => Some(read_input(path, "the query file")?),
        None => None,
    };
    if let (Some(query), false) = (&query, args.no_validate) {
        schema::refuse_invalid(session, query).await?;
    }
    let wanted = PortalChanges {
        name: args.name,
        slug: new_slug,
        description: args.description,
        query,
        allowed_ip_addresses: allowed_ips,
        user_invokable: args.user_invokable,
    };
    let rest = session.rest()?;
    let current = rest.get(&args.slug).await?;
    let changes = PortalChanges::diff(&current, wanted);
    if changes.is_empty() {
        if out.json {
            out.print_json(&current)?;
        }
        eprintln!(
            "Nothing to change: portal `{}` already has these values.",
            args.slug
        );
        return Ok(0);
    }
    let updated = rest.update(&args.slug, &changes).await?;
    if updated.slug != args.slug {
        let org = session.org().to_owned();
        if let Err(e) = session.store.rename_portal(&org, &args.slug, &updated.slug) {
            warn(format!(
                "the stored token was not moved to the new slug: {e}"
            ));
        }
    }
    let fields: Vec<String> = match serde_json::to_value(&changes)? {
        Value::Object(map) => map.keys().map(|k| k.replace('_', " ")).collect(),
        _ => Vec::new(),
    };
    if out.json {
        out.print_json(&updated)?;
    }
    eprintln!(
        "Updated portal `{}`: {}.",
        sanitize_line(&updated.slug),
        fields.join(", ")
    );
    Ok(0)
}

pub(super) async fn delete(session: &mut Session, out: Output, slug: &str, yes: bool) -> Outcome {
    if !yes {
        if !std::io::stdin().is_terminal() {
            return Err(Failure(
                format!("not deleting `{slug}` without confirmation: pass --yes"),
                EXIT_USAGE,
            ));
        }
        eprint!(
            "Delete portal `{slug}`? Its URL and token stop working. Type the slug to confirm: "
        );
        let mut answer = String::new();
        std::io::stdin().read_line(&mut answer)?;
        if answer.trim() != slug {
            eprintln!("Not deleted.");
            return Ok(EXIT_FAILED);
        }
    }
    session.rest()?.delete(slug).await?;
    let org = session.org().to_owned();
    if let Err(e) = session.store.forget_portal_token(&org, slug) {
        warn(format!("the stored token was not removed: {e}"));
    }
    if out.json {
        out.print_json(&json!({ "deleted": slug }))?;
    }
    eprintln!("Deleted portal `{slug}`.");
    Ok(0)
}
