//! Roles of PROTOCOL.md §1: `viewer` < `driver` < `dispatcher` < `admin`, and `device` apart.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A user's role, from the token's `role` claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Read-only operator or wallboard.
    Viewer,
    /// A driver: viewer rights plus completing their own trips.
    Driver,
    /// Dispatcher: sends notifications, manages vehicles, trips, geofences, KPIs.
    Dispatcher,
    /// Administrator: everything, including the `/admin` namespace and user management.
    Admin,
    /// A field device: reports for its own `vehicleId` only.
    Device,
}

impl Role {
    /// All roles, in rank order with `device` last.
    pub const ALL: [Role; 5] = [
        Role::Viewer,
        Role::Driver,
        Role::Dispatcher,
        Role::Admin,
        Role::Device,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Viewer => "viewer",
            Self::Driver => "driver",
            Self::Dispatcher => "dispatcher",
            Self::Admin => "admin",
            Self::Device => "device",
        }
    }

    /// Parses a wire name; unknown names are `None` (and refused in the handshake).
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Whether this role has at least the rights of `min`. `device` is outside the
    /// hierarchy: it satisfies only `device`, and no other role satisfies `device`.
    pub fn at_least(self, min: Role) -> bool {
        match (self, min) {
            (Role::Device, Role::Device) => true,
            (Role::Device, _) | (_, Role::Device) => false,
            (a, b) => a >= b,
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s).ok_or_else(|| format!("unknown role `{s}`"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hierarchy() {
        assert!(Role::Admin.at_least(Role::Dispatcher));
        assert!(Role::Dispatcher.at_least(Role::Dispatcher));
        assert!(!Role::Driver.at_least(Role::Dispatcher));
        assert!(Role::Viewer.at_least(Role::Viewer));
        assert!(!Role::Device.at_least(Role::Viewer));
        assert!(!Role::Admin.at_least(Role::Device));
        assert!(Role::Device.at_least(Role::Device));
    }

    #[test]
    fn parse_round_trips() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
            assert_eq!(serde_json::to_value(r).unwrap(), r.as_str());
        }
        assert_eq!(Role::parse("superuser"), None);
        assert_eq!(Role::parse("Admin"), None);
    }
}
