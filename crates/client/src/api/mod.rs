//! Typed helpers over [`crate::Client::request`] and [`crate::Client::subscribe`], one file
//! per domain of PROTOCOL.md. Subscription helpers record what they subscribe to, so it is
//! restored after every reconnect.

mod admin;
mod chat;
mod fleet;
mod kpi;
mod notifications;
mod presence;

/// An ack whose content does not matter.
type Done = serde::de::IgnoredAny;
