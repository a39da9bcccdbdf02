//! Notifications (PROTOCOL.md §6).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::Timestamp;
use crate::identity::Sender;
use crate::validate::{self, Validate, ValidationError};

/// Severity of a notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum NotificationType {
    /// Informational.
    Info,
    /// Something went well.
    Success,
    /// Needs attention.
    Warning,
    /// Needs action now.
    Critical,
}

impl NotificationType {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::Success => "success",
            Self::Warning => "warning",
            Self::Critical => "critical",
        }
    }
}

/// Who a notification addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum TargetKind {
    /// Every user known when it was sent, and every connected socket.
    All,
    /// The listed user ids.
    Users,
    /// Users whose role is exactly one of the listed roles.
    Roles,
    /// Members of the listed chat room at send time.
    Room,
}

/// `{kind, ids?}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// The kind of addressing.
    pub kind: TargetKind,
    /// User ids, role names or room ids; required unless `kind` is `all`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub ids: Option<Vec<String>>,
}

impl Target {
    /// Target `all`.
    pub fn all() -> Self {
        Self {
            kind: TargetKind::All,
            ids: None,
        }
    }
}

/// Most ids a target may list.
pub const MAX_TARGET_IDS: usize = 1000;
/// Longest title, in characters.
pub const MAX_TITLE: usize = 200;
/// Longest message, in characters.
pub const MAX_MESSAGE: usize = 4000;

impl Validate for Target {
    fn validate(&self) -> Result<(), ValidationError> {
        match (&self.kind, &self.ids) {
            (TargetKind::All, None) => Ok(()),
            (TargetKind::All, Some(ids)) if ids.is_empty() => Ok(()),
            (TargetKind::All, Some(_)) => Err(ValidationError::Invalid(
                "target `all` takes no `ids`".into(),
            )),
            (_, None) => Err(ValidationError::Invalid("target needs `ids`".into())),
            (_, Some(ids)) if ids.is_empty() || ids.len() > MAX_TARGET_IDS => Err(
                ValidationError::Invalid(format!("target needs 1..={MAX_TARGET_IDS} `ids`")),
            ),
            (TargetKind::Roles, Some(ids)) => ids.iter().try_for_each(|r| {
                crate::Role::parse(r)
                    .map(|_| ())
                    .ok_or_else(|| ValidationError::Invalid(format!("unknown role `{r}`")))
            }),
            (_, Some(ids)) => validate::ids("target.ids", ids),
        }
    }
}

/// A stored notification, as delivered and listed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Notification {
    /// Notification id.
    pub id: String,
    /// Short title.
    pub title: String,
    /// Body text.
    pub message: String,
    /// Severity.
    #[serde(rename = "type")]
    pub kind: NotificationType,
    /// When it was sent.
    pub created_at: Timestamp,
    /// Whether the receiving user has read it.
    pub read: bool,
    /// Who sent it; absent for server-generated notifications.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub sender: Option<Sender>,
    /// Who it addresses.
    pub target: Target,
    /// Free-form data for the client.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "unknown")]
    pub data: Option<Value>,
}

/// `notification:send` request (and the body of `POST /api/notifications`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct SendNotification {
    /// Short title, 1..=200 characters.
    pub title: String,
    /// Body text, 1..=4000 characters.
    pub message: String,
    /// Severity.
    #[serde(rename = "type")]
    pub kind: NotificationType,
    /// Who it addresses.
    pub target: Target,
    /// Free-form data for the client.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "unknown")]
    pub data: Option<Value>,
}

impl Validate for SendNotification {
    fn validate(&self) -> Result<(), ValidationError> {
        validate::text("title", &self.title, 1, MAX_TITLE)?;
        validate::text("message", &self.message, 1, MAX_MESSAGE)?;
        self.target.validate()
    }
}

/// `POST /api/notifications/broadcast` body: a notification to target `all`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct BroadcastNotification {
    /// Short title.
    pub title: String,
    /// Body text.
    pub message: String,
    /// Severity; `info` when absent.
    #[serde(rename = "type", default = "default_type")]
    pub kind: NotificationType,
    /// Free-form data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "unknown")]
    pub data: Option<Value>,
}

fn default_type() -> NotificationType {
    NotificationType::Info
}

impl From<BroadcastNotification> for SendNotification {
    fn from(b: BroadcastNotification) -> Self {
        Self {
            title: b.title,
            message: b.message,
            kind: b.kind,
            target: Target::all(),
            data: b.data,
        }
    }
}

/// `notification:send` ack result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SendResult {
    /// The new notification's id.
    pub id: String,
    /// Number of known users addressed.
    pub recipients: u64,
}

/// `notification:mark-read`: `{notificationId}` or the bare id; other fields are refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(untagged)]
pub enum MarkRead {
    /// `{notificationId}`.
    Object {
        /// The notification to mark.
        #[serde(rename = "notificationId")]
        notification_id: String,
    },
    /// The bare id.
    Bare(String),
}

// By hand, through a private twin: ts-rs cannot parse `deny_unknown_fields` on an enum.
impl<'de> Deserialize<'de> for MarkRead {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged, deny_unknown_fields)]
        enum Wire {
            Object {
                #[serde(rename = "notificationId")]
                notification_id: String,
            },
            Bare(String),
        }
        Ok(match Wire::deserialize(d)? {
            Wire::Object { notification_id } => Self::Object { notification_id },
            Wire::Bare(id) => Self::Bare(id),
        })
    }
}

impl MarkRead {
    /// The id, whichever way it was sent.
    pub fn id(&self) -> &str {
        match self {
            Self::Object { notification_id } | Self::Bare(notification_id) => notification_id,
        }
    }
}

impl Validate for MarkRead {
    fn validate(&self) -> Result<(), ValidationError> {
        validate::id("notificationId", self.id())
    }
}

/// `notification:list` request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NotificationListRequest {
    /// Opaque cursor from a previous page.
    #[serde(default)]
    #[ts(optional)]
    pub before: Option<String>,
    /// Page size, at most 100.
    #[serde(default)]
    #[ts(optional)]
    pub limit: Option<u32>,
    /// Only unread notifications.
    #[serde(default)]
    #[ts(optional)]
    pub unread_only: Option<bool>,
}

impl NotificationListRequest {
    /// Largest accepted `limit`.
    pub const CAP: u32 = 100;
    /// `limit` when none is given.
    pub const DEFAULT: u32 = 50;
}

impl Validate for NotificationListRequest {
    fn validate(&self) -> Result<(), ValidationError> {
        validate::limit(self.limit, Self::DEFAULT, Self::CAP)?;
        if let Some(b) = &self.before {
            validate::text("before", b, 1, 128)?;
        }
        Ok(())
    }
}

/// `notification:list` ack result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NotificationList {
    /// Newest first.
    pub items: Vec<Notification>,
    /// Pass back as `before`; `null` at the end.
    pub next_cursor: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn mark_read_accepts_both_shapes() {
        let a: MarkRead = serde_json::from_value(json!({"notificationId": "n1"})).unwrap();
        let b: MarkRead = serde_json::from_value(json!("n1")).unwrap();
        assert_eq!(a.id(), "n1");
        assert_eq!(b.id(), "n1");
        assert!(serde_json::from_value::<MarkRead>(json!(5)).is_err());
    }

    #[test]
    fn targets_validate() {
        let t = |v| serde_json::from_value::<Target>(v).unwrap();
        assert!(t(json!({"kind": "all"})).validate().is_ok());
        assert!(t(json!({"kind": "users"})).validate().is_err());
        assert!(t(json!({"kind": "users", "ids": []})).validate().is_err());
        assert!(
            t(json!({"kind": "users", "ids": ["alice"]}))
                .validate()
                .is_ok()
        );
        assert!(
            t(json!({"kind": "roles", "ids": ["dispatcher"]}))
                .validate()
                .is_ok()
        );
        assert!(
            t(json!({"kind": "roles", "ids": ["king"]}))
                .validate()
                .is_err()
        );
        assert!(
            t(json!({"kind": "users", "ids": ["a b"]}))
                .validate()
                .is_err()
        );
    }

    #[test]
    fn send_validates_lengths() {
        let mut s = SendNotification {
            title: "t".into(),
            message: "m".into(),
            kind: NotificationType::Info,
            target: Target::all(),
            data: None,
        };
        assert!(s.validate().is_ok());
        s.title = String::new();
        assert!(s.validate().is_err());
        s.title = "x".repeat(MAX_TITLE + 1);
        assert!(s.validate().is_err());
    }
}
