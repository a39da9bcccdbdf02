//! Operations on the `/admin` namespace (PROTOCOL.md §8). Only admins get here (the
//! namespace's connect middleware refuses everyone else).

use std::str::FromStr;
use std::sync::Arc;

use opsdeck_protocol::admin::{
    Disconnected, RoomInfo, RoomsList, SocketDisconnect, SocketInfo, SocketsList,
    SocketsListRequest, Stats,
};
use opsdeck_protocol::{ProtocolError, Validate, events};
use serde::de::IgnoredAny;
use socketioxide::socket::Sid;

use super::{Caller, Reply, Table, done, join_limited, on, reply};
use crate::metrics::{self, Counters};
use crate::state::{App, SocketCtx};

pub(super) fn register(t: &mut Table) {
    on(t, events::STATS_SUBSCRIBE, stats_subscribe);
    on(t, events::STATS_UNSUBSCRIBE, stats_unsubscribe);
    on(t, events::SOCKETS_LIST, sockets_list);
    on(t, events::SOCKET_DISCONNECT, socket_disconnect);
    on(t, events::SOCKETS_DISCONNECT_ALL, disconnect_all);
    on(t, events::ROOMS_LIST, rooms_list);
}

async fn stats_subscribe(c: Caller, _: IgnoredAny) -> Reply {
    join_limited(&c, events::STATS_ROOM)?;
    reply(&stats(&c.app).await)
}

async fn stats_unsubscribe(c: Caller, _: IgnoredAny) -> Reply {
    c.socket.leave(events::STATS_ROOM);
    done()
}

/// Sockets of the main namespace, ordered by connection time (then id).
pub fn socket_infos(app: &App) -> Vec<SocketInfo> {
    let mut out: Vec<SocketInfo> = app
        .main_sockets()
        .into_iter()
        .filter_map(|s| {
            let ctx = s.extensions.get::<Arc<SocketCtx>>()?;
            let mut rooms: Vec<String> = s.rooms().into_iter().map(|r| r.to_string()).collect();
            rooms.sort();
            Some(SocketInfo {
                socket_id: s.id.to_string(),
                user_id: ctx.identity.user_id.clone(),
                name: ctx.identity.name.clone(),
                role: ctx.identity.role,
                connected_at: ctx.connected_at,
                transport: format!("{:?}", s.transport_type()).to_lowercase(),
                rooms,
                remote_addr: ctx.remote_addr.clone(),
                node: app.config.node_id.clone(),
            })
        })
        .collect();
    out.sort_by(|a, b| {
        a.connected_at
            .cmp(&b.connected_at)
            .then_with(|| a.socket_id.cmp(&b.socket_id))
    });
    out
}

async fn sockets_list(c: Caller, req: Option<SocketsListRequest>) -> Reply {
    let req = req.unwrap_or_default();
    req.validate()?;
    let limit = req.limit.unwrap_or(SocketsListRequest::DEFAULT) as usize;
    let all = socket_infos(&c.app);
    let start = match &req.after {
        Some(after) => match all.iter().position(|s| &s.socket_id == after) {
            Some(i) => i + 1,
            None => return Err(ProtocolError::bad_request("unknown cursor socket")),
        },
        None => 0,
    };
    let sockets: Vec<SocketInfo> = all.iter().skip(start).take(limit).cloned().collect();
    let next_cursor = if start + sockets.len() < all.len() {
        sockets.last().map(|s| s.socket_id.clone())
    } else {
        None
    };
    reply(&SocketsList {
        sockets,
        next_cursor,
    })
}

async fn socket_disconnect(c: Caller, req: SocketDisconnect) -> Reply {
    req.validate()?;
    let sid =
        Sid::from_str(&req.socket_id).map_err(|_| ProtocolError::not_found("no such socket"))?;
    let target = c
        .app
        .main_ns()
        .and_then(|ns| ns.get_socket(sid))
        .ok_or_else(|| ProtocolError::not_found("no such socket"))?;
    tracing::info!(by = %c.ctx.identity.user_id, sid = %sid, "admin disconnects socket");
    target.disconnect().map_err(|e| {
        tracing::warn!(error = %e, "disconnect failed");
        ProtocolError::internal()
    })?;
    done()
}

async fn disconnect_all(c: Caller, _: IgnoredAny) -> Reply {
    let mut n = 0u64;
    let main = c.app.main_sockets();
    let admin = c
        .app
        .io()
        .of(opsdeck_protocol::admin::ADMIN_NAMESPACE)
        .map(|op| op.sockets())
        .unwrap_or_default();
    for s in main.into_iter().chain(admin) {
        if s.id != c.socket.id && s.disconnect().is_ok() {
            n += 1;
        }
    }
    tracing::info!(by = %c.ctx.identity.user_id, count = n, "admin disconnects all sockets");
    reply(&Disconnected { disconnected: n })
}

/// Rooms of the main namespace with their sizes, largest first.
pub async fn rooms(app: &App) -> Vec<RoomInfo> {
    let names = app.main_rooms().await;
    let mut rooms: Vec<RoomInfo> = names
        .into_iter()
        .map(|r| RoomInfo {
            size: app.room_size(vec![r.clone()]) as u64,
            name: r,
        })
        .collect();
    rooms.sort_by(|a, b| b.size.cmp(&a.size).then_with(|| a.name.cmp(&b.name)));
    rooms
}

async fn rooms_list(c: Caller, _: IgnoredAny) -> Reply {
    reply(&RoomsList {
        rooms: rooms(&c.app).await,
    })
}

/// The current `stats` payload.
pub async fn stats(app: &App) -> Stats {
    let rates = app.sampler.latest();
    Stats {
        connections: Counters::get(&app.counters.main_sockets),
        users: app.presence.count() as u64,
        rooms: app.main_rooms().await.len() as u64,
        events_in_per_sec: rates.events_in,
        events_out_per_sec: rates.events_out,
        bytes_out_per_sec: rates.bytes_out,
        rss_bytes: metrics::rss_bytes(),
        uptime_s: app.started.elapsed().as_secs(),
        nodes: 1,
    }
}
