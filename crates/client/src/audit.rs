//! The audit of a portal: what it exposes and the policies it breaks. Pure
//! (the portal and the schema come in), so `bkportals audit` and the app's
//! list apply the same rules.
//!
//! Policies that fail: a mutation open to any address (anyone holding the
//! token can change the organization from anywhere), and a document that
//! does not parse or validate (every call fails). To review, not a failure:
//! a user-invokable portal (anyone in the organization can sign in to it).

use serde::Serialize;

use crate::buildkite::Portal;
use crate::graphql::schema::GraphqlSchema;
use crate::graphql::variables;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// A policy fails: `audit` exits 1.
    Fails,
    /// Worth a look; not a failure.
    Review,
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

    /// Anything found at all: the app's list marks these.
    pub fn risky(&self) -> bool {
        !self.findings.is_empty()
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
    if mutation && !ip_restricted {
        findings.push(Finding {
            policy: "mutation-from-any-address",
            severity: Severity::Fails,
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
