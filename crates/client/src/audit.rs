//! The audit of a portal: what it exposes and the policies it breaks. Pure
//! (the portal and the schema come in), so `bkportals audit` and the app's
//! list apply the same rules.
//!
//! The policy that fails: a document that does not parse or validate (every
//! call fails). A warning: a mutation open to any address (anyone holding
//! the token can change the organization from anywhere), by the rule
//! `check DIR` applies too ([`OpenMutation`]). To review, not a failure: a
//! user-invokable portal (anyone in the organization can sign in to it).

use serde::Serialize;

use crate::buildkite::Portal;
use crate::graphql::schema::GraphqlSchema;
use crate::graphql::variables;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// A policy fails: `audit` exits 1 (`check DIR`: an error).
    Fails,
    /// To fix, yet nothing fails for it (`check DIR`: a warning).
    Warns,
    /// Worth a look; not a failure.
    Review,
}

impl Severity {
    /// The same severity in `check DIR`'s words.
    pub fn in_lint(self) -> crate::graphql::lint::Severity {
        match self {
            Severity::Fails => crate::graphql::lint::Severity::Error,
            Severity::Warns | Severity::Review => crate::graphql::lint::Severity::Warning,
        }
    }
}

/// A document holding a mutation on a portal that any address may call:
/// one rule for `audit` and `check DIR`, so the two never disagree on it.
/// A warning in both, as the portals-as-code issue has it: worth fixing (set
/// the allowed IP addresses), yet a portal may be meant for callers whose
/// addresses are not known, so it fails no run or CI job by itself.
pub struct OpenMutation;

impl OpenMutation {
    pub const POLICY: &'static str = "mutation-from-any-address";
    pub const SEVERITY: Severity = Severity::Warns;

    pub fn applies(has_mutation: bool, ip_restricted: bool) -> bool {
        has_mutation && !ip_restricted
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// A stable name for scripts: `mutation-from-any-address`,
    /// `invalid-document`, `user-invokable`.
    pub policy: &'static str,
    pub severity: Severity,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditOperation {
    pub name: Option<String>,
    pub kind: &'static str,
}

/// One portal's inventory line and findings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PortalAudit {
    pub slug: String,
    pub name: String,
    pub operations: Vec<AuditOperation>,
    pub mutation: bool,
    pub ip_restricted: bool,
    pub user_invokable: bool,
    pub created_by: String,
    pub created_at: String,
    /// `None` when there was no schema and the document parses.
    pub validates: Option<bool>,
    pub findings: Vec<Finding>,
}

impl PortalAudit {
    pub fn fails(&self) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::Fails)
    }

    /// A policy warns (`audit --strict` fails for it).
    pub fn warns(&self) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::Warns)
    }

    /// A policy fails or warns (not only a finding to review): the app's
    /// list marks these `!`.
    pub fn risky(&self) -> bool {
        self.findings.iter().any(|f| f.severity != Severity::Review)
    }
}

pub fn audit(portal: &Portal, schema: Option<&GraphqlSchema>) -> PortalAudit {
    let parsed = variables::operations(&portal.query);
    let operations: Vec<AuditOperation> = parsed
        .as_ref()
        .map(|ops| {
            ops.iter()
                .map(|o| AuditOperation {
                    name: o.name.clone(),
                    kind: o.kind,
                })
                .collect()
        })
        .unwrap_or_default();
    let mutation = operations.iter().any(|o| o.kind == "mutation");
    let ip_restricted = portal
        .allowed_ip_addresses
        .as_deref()
        .is_some_and(|ips| !ips.trim().is_empty());
    let problems = match (&parsed, schema) {
        (Err(e), _) => Some(format!("does not parse: {e}")),
        (Ok(_), Some(schema)) => schema
            .check(&portal.query)
            .first()
            .map(|d| format!("does not validate: {}:{}: {}", d.line, d.column, d.message)),
        (Ok(_), None) => None,
    };
    let validates = match (&problems, schema) {
        (Some(_), _) => Some(false),
        (None, Some(_)) => Some(true),
        (None, None) => None,
    };
    let mut findings = Vec::new();
    if OpenMutation::applies(mutation, ip_restricted) {
        findings.push(Finding {
            policy: OpenMutation::POLICY,
            severity: OpenMutation::SEVERITY,
            message: "runs a mutation from any address: set its allowed IP addresses".into(),
        });
    }
    if let Some(problem) = problems {
        findings.push(Finding {
            policy: "invalid-document",
            severity: Severity::Fails,
            message: format!("its document {problem}"),
        });
    }
    if portal.user_invokable {
        findings.push(Finding {
            policy: "user-invokable",
            severity: Severity::Review,
            message: "anyone in the organization can sign in to run it with their own permissions"
                .into(),
        });
    }
    PortalAudit {
        slug: portal.slug.clone(),
        name: portal.name.clone(),
        operations,
        mutation,
        ip_restricted,
        user_invokable: portal.user_invokable,
        created_by: portal.creator_name().to_owned(),
        created_at: portal.created_at.clone(),
        validates,
        findings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn portal(query: &str, ips: Option<&str>, user_invokable: bool) -> Portal {
        Portal {
            uuid: "u".into(),
            slug: "p".into(),
            organization_uuid: "o".into(),
            name: "P".into(),
            description: None,
            query: query.into(),
            allowed_ip_addresses: ips.map(str::to_owned),
            user_invokable,
            created_at: "2024-08-26T03:22:45.555Z".into(),
            created_by: None,
        }
    }

    #[test]
    fn an_open_mutation_warns_and_is_marked_but_fails_nothing() {
        let open = audit(&portal("mutation M { a }", None, false), None);
        assert_eq!(open.findings[0].policy, OpenMutation::POLICY);
        assert_eq!(open.findings[0].severity, Severity::Warns);
        assert!(open.risky() && !open.fails());
        let restricted = audit(
            &portal("mutation M { a }", Some("192.0.2.0/24"), false),
            None,
        );
        assert!(restricted.findings.is_empty());
        // check DIR says it in its own words: a warning.
        assert_eq!(
            OpenMutation::SEVERITY.in_lint(),
            crate::graphql::lint::Severity::Warning
        );
    }

    #[test]
    fn only_a_broken_document_fails_and_a_user_invokable_portal_is_not_marked() {
        let broken = audit(&portal("query Q {", None, false), None);
        assert!(broken.fails() && broken.risky());
        let shared = audit(&portal("query Q { a }", None, true), None);
        assert_eq!(shared.findings[0].severity, Severity::Review);
        assert!(!shared.risky() && !shared.fails());
    }
}
