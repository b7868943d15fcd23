//! The portal as the REST API documents it, and the bodies we send.

use serde::{Deserialize, Serialize};

use crate::secrets::Secret;

/// A portal as returned by `GET /v2/organizations/{org}/portals[/{slug}]`.
///
/// Decoded leniently, so a list never fails over a field bkportals only
/// shows: unknown fields are ignored, and the optional ones (everything but
/// uuid, slug, name and query) may be missing, `null` or of another type,
/// which reads as absent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Portal {
    pub uuid: String,
    pub slug: String,
    #[serde(default, deserialize_with = "lenient")]
    pub organization_uuid: String,
    pub name: String,
    #[serde(default, deserialize_with = "lenient")]
    pub description: Option<String>,
    pub query: String,
    /// Space-separated CIDR blocks; `None` means any address.
    #[serde(default, deserialize_with = "lenient")]
    pub allowed_ip_addresses: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub user_invokable: bool,
    #[serde(default, deserialize_with = "lenient")]
    pub created_at: String,
    #[serde(default, deserialize_with = "lenient")]
    pub created_by: Option<Creator>,
}

impl Portal {
    /// Who created the portal, for display: "unknown" when the server did not say.
    pub fn creator_name(&self) -> &str {
        self.created_by
            .as_ref()
            .map_or(UNKNOWN_CREATOR, Creator::display_name)
    }
}

const UNKNOWN_CREATOR: &str = "unknown";

/// The user who created a portal. The REST page shows `id`, `graphql_id`,
/// `name`, `email`, `avatar_url` and `created_at`; Buildkite's Terraform
/// provider reads `uuid`, `name` and `email`. Every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Creator {
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub uuid: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub graphql_id: Option<String>,
    /// Empty when the server sent none.
    #[serde(default, deserialize_with = "lenient")]
    pub name: String,
    #[serde(default, deserialize_with = "lenient")]
    pub email: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub avatar_url: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    pub created_at: Option<String>,
}

impl Creator {
    /// The user's id, whichever name the server gave it.
    pub fn user_id(&self) -> Option<&str> {
        self.id.as_deref().or(self.uuid.as_deref())
    }

    /// The name, else the email, else "unknown".
    pub fn display_name(&self) -> &str {
        match (self.name.trim(), &self.email) {
            ("", Some(email)) if !email.trim().is_empty() => email,
            ("", _) => UNKNOWN_CREATOR,
            _ => &self.name,
        }
    }
}

/// A field that reads as its default when it is `null` or not of its type.
fn lenient<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::de::DeserializeOwned + Default,
{
    let value = serde_json::Value::deserialize(deserializer)?;
    Ok(serde_json::from_value(value).unwrap_or_default())
}

/// A portal and the JSON object Buildkite sent for it, every field kept
/// (`bkportals pull` hashes it: the API has no version or updated_at).
#[derive(Debug, Clone, PartialEq)]
pub struct PortalRecord {
    pub portal: Portal,
    pub raw: serde_json::Value,
}

impl<'de> Deserialize<'de> for PortalRecord {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = serde_json::Value::deserialize(deserializer)?;
        let portal = Portal::deserialize(&raw).map_err(serde::de::Error::custom)?;
        Ok(PortalRecord { portal, raw })
    }
}

/// The create response: a portal plus its token, which is never returned again.
#[derive(Debug, Clone, Deserialize)]
pub struct CreatedPortal {
    #[serde(flatten)]
    pub portal: Portal,
    pub token: Secret,
}

/// The body of `POST /v2/organizations/{org}/portals`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct NewPortal {
    pub name: String,
    pub query: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slug: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed_ip_addresses: Option<String>,
    pub user_invokable: bool,
}

/// The body of `PUT /v2/organizations/{org}/portals/{slug}`: only what changed.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PortalChanges {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slug: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed_ip_addresses: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_invokable: Option<bool>,
}

impl PortalChanges {
    /// Keeps only the wanted values that differ from the portal as it is.
    pub fn diff(current: &Portal, wanted: PortalChanges) -> PortalChanges {
        fn changed<T: PartialEq>(wanted: Option<T>, current: T) -> Option<T> {
            wanted.filter(|w| *w != current)
        }
        let current_text = |v: &Option<String>| v.clone().unwrap_or_default();
        PortalChanges {
            name: changed(wanted.name, current.name.clone()),
            slug: changed(wanted.slug, current.slug.clone()),
            description: changed(wanted.description, current_text(&current.description)),
            query: changed(wanted.query, current.query.clone()),
            allowed_ip_addresses: changed(
                wanted.allowed_ip_addresses,
                current_text(&current.allowed_ip_addresses),
            ),
            user_invokable: changed(wanted.user_invokable, current.user_invokable),
        }
    }

    pub fn is_empty(&self) -> bool {
        *self == PortalChanges::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The JSON examples of Buildkite's portals REST page, as printed there.
    const DOCUMENTED_PORTAL: &str = r#"{
      "uuid": "01234567-89ab-cdef-0123-456789abcdef",
      "slug": "trigger-main-build",
      "organization_uuid": "f02d6a6f-7a0e-481d-9d6d-89b427aec48d",
      "name": "Trigger main build",
      "description": "Triggers a build on the main branch",
      "query": "mutation triggerBuild { buildCreate(input: { branch: \"main\", commit: \"HEAD\", pipelineID: \"UGlwZWxpbmUtLS0x\" }) { build { url } } }",
      "created_at": "2024-08-26T03:22:45.555Z",
      "created_by": {
        "id": "3d3c3bf0-7d58-4afe-8fe7-b3017d5504de",
        "graphql_id": "VXNlci0tLTNkM2MzYmYwLTdkNTgtNGFmZS04ZmU3LWIzMDE3ZDU1MDRkZQo=",
        "name": "Sam Kim",
        "email": "sam@example.com",
        "avatar_url": "https://www.gravatar.com/avatar/example",
        "created_at": "2013-08-29T10:10:03.000Z"
      },
      "allowed_ip_addresses": "192.0.2.1/32 198.51.100.0/24",
      "user_invokable": false
    }"#;

    const DOCUMENTED_CREATE_RESPONSE: &str = r#"{
      "uuid": "01234567-89ab-cdef-0123-456789abcdef",
      "slug": "trigger-main-build",
      "organization_uuid": "f02d6a6f-7a0e-481d-9d6d-89b427aec48d",
      "name": "Trigger main build",
      "description": null,
      "query": "mutation triggerBuild { buildCreate(input: { branch: \"main\", commit: \"HEAD\", pipelineID: \"UGlwZWxpbmUtLS0x\" }) { build { url } } }",
      "created_at": "2024-08-26T03:22:45.555Z",
      "created_by": {
        "id": "3d3c3bf0-7d58-4afe-8fe7-b3017d5504de",
        "graphql_id": "VXNlci0tLTNkM2MzYmYwLTdkNTgtNGFmZS04ZmU3LWIzMDE3ZDU1MDRkZQo=",
        "name": "Sam Kim",
        "email": "sam@example.com",
        "avatar_url": "https://www.gravatar.com/avatar/example",
        "created_at": "2013-08-29T10:10:03.000Z"
      },
      "allowed_ip_addresses": null,
      "user_invokable": false,
      "token": "xxx-yyy-zzz"
    }"#;

    #[test]
    fn documented_list_get_and_update_examples_decode() {
        let list: Vec<Portal> = serde_json::from_str(&format!("[{DOCUMENTED_PORTAL}]")).unwrap();
        assert_eq!(list.len(), 1);
        let portal: Portal = serde_json::from_str(DOCUMENTED_PORTAL).unwrap();
        assert_eq!(portal, list[0]);
        assert_eq!(portal.slug, "trigger-main-build");
        assert_eq!(
            portal.allowed_ip_addresses.as_deref(),
            Some("192.0.2.1/32 198.51.100.0/24")
        );
        let creator = portal.created_by.unwrap();
        assert_eq!(creator.name, "Sam Kim");
        assert_eq!(creator.email.as_deref(), Some("sam@example.com"));
    }

    #[test]
    fn documented_create_example_decodes_with_its_token() {
        let created: CreatedPortal = serde_json::from_str(DOCUMENTED_CREATE_RESPONSE).unwrap();
        assert_eq!(created.token.expose(), "xxx-yyy-zzz");
        assert_eq!(created.portal.description, None);
        assert_eq!(created.portal.allowed_ip_addresses, None);
        assert!(!format!("{created:?}").contains("xxx-yyy-zzz"));
    }

    /// A portal as Buildkite's Terraform provider reads it: `created_by.uuid`.
    const TERRAFORM_SHAPED_PORTAL: &str = r#"{
      "uuid": "01234567-89ab-cdef-0123-456789abcdef",
      "slug": "trigger-main-build",
      "name": "Trigger main build",
      "query": "query { viewer { user { name } } }",
      "user_invokable": null,
      "created_by": { "uuid": "3d3c3bf0-7d58-4afe-8fe7-b3017d5504de", "name": "Sam Kim", "email": "sam@example.com" }
    }"#;

    #[test]
    fn both_creator_shapes_decode() {
        let rest: Portal = serde_json::from_str(DOCUMENTED_PORTAL).unwrap();
        let terraform: Portal = serde_json::from_str(TERRAFORM_SHAPED_PORTAL).unwrap();
        for portal in [&rest, &terraform] {
            let creator = portal.created_by.as_ref().unwrap();
            assert_eq!(
                creator.user_id(),
                Some("3d3c3bf0-7d58-4afe-8fe7-b3017d5504de")
            );
            assert_eq!(portal.creator_name(), "Sam Kim");
        }
        assert_eq!(terraform.organization_uuid, "");
        assert!(!terraform.user_invokable);
    }

    #[test]
    fn a_missing_or_odd_creator_is_shown_as_unknown() {
        use serde_json::json;
        let base: serde_json::Value = serde_json::from_str(TERRAFORM_SHAPED_PORTAL).unwrap();
        let odd = [
            None,
            Some(json!(null)),
            Some(json!("someone")),
            Some(json!({})),
            Some(json!({ "id": 7, "name": null, "email": ["x"] })),
        ];
        for creator in odd {
            let mut value = base.clone();
            match &creator {
                Some(creator) => value["created_by"] = creator.clone(),
                None => drop(value.as_object_mut().unwrap().remove("created_by")),
            }
            value["created_at"] = json!(5);
            let portal: Portal =
                serde_json::from_value(value).unwrap_or_else(|e| panic!("{creator:?}: {e}"));
            assert_eq!(portal.creator_name(), "unknown", "{creator:?}");
            assert_eq!(portal.created_at, "");
        }
    }

    #[test]
    fn unknown_fields_are_tolerated() {
        let with_extra = DOCUMENTED_PORTAL.replacen('{', r#"{"future_field": [1, 2],"#, 1);
        let portal: Portal = serde_json::from_str(&with_extra).unwrap();
        assert_eq!(portal.name, "Trigger main build");
    }

    #[test]
    fn changes_keep_only_what_differs() {
        let portal: Portal = serde_json::from_str(DOCUMENTED_PORTAL).unwrap();
        let wanted = PortalChanges {
            name: Some("Trigger main build".into()),
            description: Some("New words".into()),
            user_invokable: Some(false),
            ..Default::default()
        };
        let changes = PortalChanges::diff(&portal, wanted);
        assert_eq!(
            serde_json::to_value(&changes).unwrap(),
            serde_json::json!({"description": "New words"})
        );
        let none = PortalChanges::diff(&portal, PortalChanges::default());
        assert!(none.is_empty());
    }
}
