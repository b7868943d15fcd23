//! Portals as code: a directory with `SLUG.graphql` and `SLUG.toml` per
//! portal and a lock file, and the plan that brings Buildkite in line with
//! it. Pure functions over portals and files; the commands are in the app's
//! `cli/` (pull, plan, push, check DIR).

pub mod files;
pub mod lint;
pub mod lock;
pub mod plan;

pub use files::{read_each_portal, read_portals, write_portal, PortalFields, PortalFile};
pub use lock::{record_hash, Lock, LockEntry, LOCK_FILE};
pub use plan::{
    differences, plan, Action, Differences, Drift, FieldChange, Plan, PlanInput, PlanItem,
};
