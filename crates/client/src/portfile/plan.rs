//! What a push would do: the directory's portals against Buildkite's, with
//! the lock telling which portals the directory manages and whether any
//! changed on Buildkite since. Pure: no I/O.

use serde::Serialize;

use super::files::{split_ips, PortalFile};
use super::lock::{record_hash, Lock};
use crate::buildkite::{NewPortal, Portal, PortalChanges, PortalRecord};
use crate::graphql::semantic_diff::{self, Change};

#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    pub portals: Vec<PlanItem>,
    /// Portals on Buildkite that the directory neither declares nor manages.
    pub undeclared: Vec<Undeclared>,
    /// What stops the plan from being pushed at all.
    pub problems: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Undeclared {
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlanItem {
    /// The slug the portal has after the push (its current one for a delete).
    pub slug: String,
    pub uuid: Option<String>,
    #[serde(flatten)]
    pub action: Action,
    /// Changed on Buildkite since the directory last agreed with it.
    pub drift: Option<Drift>,
    /// Who or what notices the change.
    pub blast_radius: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    Create {
        portal: NewPortal,
    },
    Update {
        /// The slug on Buildkite now (differs from the item's for a rename).
        current_slug: String,
        fields: Vec<FieldChange>,
        document: Vec<Change>,
        #[serde(skip)]
        changes: PortalChanges,
    },
    Delete,
    /// Managed, no longer in the directory, and deletes were not asked for.
    DeleteNotAsked,
    Unchanged,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldChange {
    pub field: &'static str,
    pub from: Option<String>,
    pub to: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Drift {
    /// Its record differs from the one the lock hashed.
    Changed,
    /// The lock has it, Buildkite no longer does.
    Gone,
    /// The lock could not record it; whether it changed is not known.
    Unrecorded,
}

impl PlanItem {
    /// Whether a push would send anything for it.
    pub fn is_change(&self) -> bool {
        matches!(
            self.action,
            Action::Create { .. } | Action::Update { .. } | Action::Delete
        )
    }

    /// A change to a portal that changed on Buildkite meanwhile would
    /// overwrite (or recreate) what someone else did.
    pub fn overwrites_drift(&self) -> bool {
        self.is_change() && self.drift.is_some()
    }
}

impl Plan {
    pub fn has_changes(&self) -> bool {
        self.portals.iter().any(PlanItem::is_change)
    }

    pub fn drifted(&self) -> impl Iterator<Item = &PlanItem> {
        self.portals.iter().filter(|p| p.overwrites_drift())
    }
}

pub struct PlanInput<'a> {
    pub files: &'a [PortalFile],
    pub lock: &'a Lock,
    pub remote: &'a [PortalRecord],
    /// Delete managed portals the directory no longer declares.
    pub allow_delete: bool,
    /// The server planned against, as said ("Buildkite", or a sandbox's
    /// `host:port`: `buildkite::http::server_said`).
    pub server: &'a str,
}

pub fn plan(input: &PlanInput<'_>) -> Plan {
    let mut plan = Plan {
        portals: Vec::new(),
        undeclared: Vec::new(),
        problems: duplicate_uuids(input.files),
    };
    for file in input.files {
        let remote = file
            .fields
            .uuid
            .as_deref()
            .and_then(|uuid| input.remote.iter().find(|r| r.portal.uuid == uuid));
        if let Some(problem) = slug_taken(file, remote, input) {
            plan.problems.push(problem);
        }
        let item = match remote {
            Some(record) => update_item(file, record, input.lock),
            None => create_item(file, input.server),
        };
        plan.portals.push(item);
    }
    for record in input.remote {
        let portal = &record.portal;
        let declared = input
            .files
            .iter()
            .any(|f| f.fields.uuid.as_deref() == Some(portal.uuid.as_str()));
        if declared {
            continue;
        }
        match input.lock.entry(&portal.uuid) {
            Some(_) => plan.portals.push(PlanItem {
                slug: portal.slug.clone(),
                uuid: Some(portal.uuid.clone()),
                action: if input.allow_delete {
                    Action::Delete
                } else {
                    Action::DeleteNotAsked
                },
                drift: drift(record, input.lock),
                blast_radius: if input.allow_delete {
                    vec!["its URL and token stop working: callers get 404; its portal secrets go with it".into()]
                } else {
                    Vec::new()
                },
            }),
            None => plan.undeclared.push(Undeclared {
                slug: portal.slug.clone(),
                name: portal.name.clone(),
            }),
        }
    }
    plan
}

fn duplicate_uuids(files: &[PortalFile]) -> Vec<String> {
    let mut problems = Vec::new();
    for (i, file) in files.iter().enumerate() {
        let Some(uuid) = &file.fields.uuid else {
            continue;
        };
        if let Some(earlier) = files[..i]
            .iter()
            .find(|f| f.fields.uuid.as_ref() == Some(uuid))
        {
            problems.push(format!(
                "{} and {} both say they are portal {uuid}; remove the uuid line from the copy (it is then created as a new portal)",
                earlier.fields_path.display(),
                file.fields_path.display()
            ));
        }
    }
    problems
}

/// The file's slug belongs to another portal on Buildkite.
fn slug_taken(
    file: &PortalFile,
    own: Option<&PortalRecord>,
    input: &PlanInput<'_>,
) -> Option<String> {
    let holder = input.remote.iter().find(|r| r.portal.slug == file.slug)?;
    if own.is_some_and(|own| own.portal.uuid == holder.portal.uuid) {
        return None;
    }
    let whose = if input.lock.entry(&holder.portal.uuid).is_some() {
        "another portal of this directory"
    } else {
        "a portal this directory does not manage (`bkportals pull` takes it in)"
    };
    Some(format!(
        "{}: the slug `{}` is taken on {} by {whose}; rename the files",
        file.fields_path.display(),
        file.slug,
        input.server
    ))
}

fn drift(record: &PortalRecord, lock: &Lock) -> Option<Drift> {
    let entry = lock.entry(&record.portal.uuid)?;
    if entry.sha256.is_empty() {
        Some(Drift::Unrecorded)
    } else if entry.sha256 != record_hash(&record.raw) {
        Some(Drift::Changed)
    } else {
        None
    }
}

fn create_item(file: &PortalFile, server: &str) -> PlanItem {
    let fields = &file.fields;
    let mut blast_radius =
        vec!["a new URL and a new token (kept in the token store, never in the directory)".into()];
    if fields.uuid.is_some() {
        blast_radius.push(format!(
            "it is not on {server} any more: a new portal is made (new UUID and token; callers of the old one stay broken)"
        ));
    }
    PlanItem {
        slug: file.slug.clone(),
        uuid: fields.uuid.clone(),
        action: Action::Create {
            portal: NewPortal {
                name: fields.name.clone(),
                query: file.document.clone(),
                slug: Some(file.slug.clone()),
                description: fields.description.clone(),
                allowed_ip_addresses: fields.allowed_ip_addresses(),
                user_invokable: fields.user_invokable,
            },
        },
        drift: fields.uuid.as_ref().map(|_| Drift::Gone),
        blast_radius,
    }
}

/// How a portal on Buildkite differs from its files.
#[derive(Debug, Clone, Default)]
pub struct Differences {
    /// What an update would send.
    pub changes: PortalChanges,
    pub fields: Vec<FieldChange>,
    /// The semantic summary of the document change; empty when it means the same.
    pub document: Vec<Change>,
}

impl Differences {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
}

/// What the files change in the portal (the plan's update, and the app's
/// difference from a directory).
pub fn differences(file: &PortalFile, current: &Portal) -> Differences {
    let fields = &file.fields;
    let text = |v: &Option<String>| v.clone().filter(|s| !s.trim().is_empty());
    let same_document = semantic_diff::same_meaning(&current.query, &file.document);
    let wanted = PortalChanges {
        name: Some(fields.name.clone()),
        slug: Some(file.slug.clone()),
        description: Some(text(&fields.description).unwrap_or_default()),
        query: (!same_document).then(|| file.document.clone()),
        allowed_ip_addresses: Some(fields.allowed_ip_addresses().unwrap_or_default()),
        user_invokable: Some(fields.user_invokable),
    };
    let mut changes = PortalChanges::diff(current, wanted);
    // "a b" and "a  b" are the same list.
    if split_ips(changes.allowed_ip_addresses.as_deref())
        == split_ips(current.allowed_ip_addresses.as_deref())
    {
        changes.allowed_ip_addresses = None;
    }
    let document = if same_document {
        Vec::new()
    } else {
        semantic_diff::diff(&current.query, &file.document)
    };
    Differences {
        fields: field_changes(current, &changes),
        changes,
        document,
    }
}

fn update_item(file: &PortalFile, record: &PortalRecord, lock: &Lock) -> PlanItem {
    let current = &record.portal;
    let Differences {
        changes,
        fields,
        document,
    } = differences(file, current);
    let blast_radius = blast_radius(current, &changes, &document);
    let action = if changes.is_empty() {
        Action::Unchanged
    } else {
        Action::Update {
            current_slug: current.slug.clone(),
            fields,
            document,
            changes,
        }
    };
    PlanItem {
        slug: file.slug.clone(),
        uuid: Some(current.uuid.clone()),
        action,
        drift: drift(record, lock),
        blast_radius,
    }
}

fn field_changes(current: &Portal, changes: &PortalChanges) -> Vec<FieldChange> {
    let blank = |v: &Option<String>| v.clone().filter(|s| !s.trim().is_empty());
    let mut out = Vec::new();
    let mut push = |field, from: Option<String>, to: &Option<String>| {
        if let Some(to) = to {
            out.push(FieldChange {
                field,
                from: blank(&from),
                to: blank(&Some(to.clone())),
            });
        }
    };
    push("slug", Some(current.slug.clone()), &changes.slug);
    push("name", Some(current.name.clone()), &changes.name);
    push(
        "description",
        current.description.clone(),
        &changes.description,
    );
    push(
        "allowed_ips",
        current.allowed_ip_addresses.clone(),
        &changes.allowed_ip_addresses,
    );
    let flag = |b: bool| Some(b.to_string());
    push(
        "user_invokable",
        flag(current.user_invokable),
        &changes.user_invokable.and_then(flag),
    );
    if changes.query.is_some() {
        out.push(FieldChange {
            field: "document",
            from: None,
            to: None,
        });
    }
    out
}

fn blast_radius(current: &Portal, changes: &PortalChanges, document: &[Change]) -> Vec<String> {
    let mut said = Vec::new();
    if let Some(slug) = &changes.slug {
        said.push(format!(
            "the URL moves from /{} to /{slug}: callers of the old URL get 404 (UUID and token stay)",
            current.slug
        ));
    }
    said.extend(document.iter().filter_map(callers_notice));
    if let Some(ips) = &changes.allowed_ip_addresses {
        said.push(if ips.trim().is_empty() {
            "any address may call it now".to_owned()
        } else {
            format!("callers outside {ips} are refused")
        });
    }
    match changes.user_invokable {
        Some(true) => said.push("members can run it with their own permissions".into()),
        Some(false) => said.push("users' own tokens (sign-in as me) stop working for it".into()),
        None => {}
    }
    said
}

/// What callers of the portal notice of a document change that may break them.
fn callers_notice(change: &Change) -> Option<String> {
    Some(match change {
        Change::OperationRemoved { operation } => {
            format!("callers that run {operation} (operation_name) now fail")
        }
        Change::VariableBecameRequired { variable, .. }
        | Change::VariableAdded {
            variable,
            required: true,
            ..
        } => format!("callers that do not send ${variable} now fail"),
        // Only the `!` added: "became required" says it.
        Change::VariableTypeChanged { from, to, .. } if format!("{from}!") == *to => return None,
        Change::VariableTypeChanged {
            variable, from, to, ..
        } => format!("callers that send ${variable} as {from} may be refused ({to} now)"),
        Change::FieldRemoved { path, .. } => format!("callers that read {path} no longer get it"),
        Change::FieldChanged { path, .. } => {
            format!("callers that read {path} may get other results (its arguments changed)")
        }
        Change::Other { what } => format!("callers may notice: {what}"),
        _ => return None,
    })
}

#[cfg(test)]
mod tests;
