//! Presence events (PROTOCOL.md §3).

use opsdeck_protocol::events;
use opsdeck_protocol::presence::{Count, PresenceList, PresenceListRequest};
use opsdeck_protocol::{Role, Validate};
use serde::de::IgnoredAny;

use super::{Caller, Reply, Table, join_limited, on, reply, require};
use crate::state::App;

pub(super) fn register(t: &mut Table) {
    on(t, events::PRESENCE_SUBSCRIBE, subscribe);
    on(t, events::PRESENCE_LIST, list);
    on(t, events::GET_ONLINE_COUNT, count);
}

async fn subscribe(c: Caller, req: Option<PresenceListRequest>) -> Reply {
    require(&c, Role::Viewer)?;
    let req = req.unwrap_or_default();
    req.validate()?;
    join_limited(&c, events::PRESENCE_ROOM)?;
    reply(&page(&c.app, &req))
}

async fn list(c: Caller, req: Option<PresenceListRequest>) -> Reply {
    require(&c, Role::Viewer)?;
    let req = req.unwrap_or_default();
    req.validate()?;
    reply(&page(&c.app, &req))
}

async fn count(c: Caller, _: IgnoredAny) -> Reply {
    require(&c, Role::Viewer)?;
    reply(&Count {
        count: c.app.presence.count() as u64,
    })
}

fn page(app: &App, req: &PresenceListRequest) -> PresenceList {
    let limit = req.limit.unwrap_or(PresenceListRequest::DEFAULT) as usize;
    let (users, more) = app.presence.page(req.after.as_deref(), limit);
    let next_cursor = if more {
        users.last().map(|u| u.user_id.clone())
    } else {
        None
    };
    PresenceList { users, next_cursor }
}
