//! KPI and dashboard events (PROTOCOL.md §4). The engine is in `crate::kpi`; periodic and
//! coalesced emission is its ticker's job, these handlers only send the snapshot a new
//! subscriber gets at once.

use opsdeck_protocol::kpi::{KpiReport, KpiThreshold, ModuleRef, module_room};
use opsdeck_protocol::{ProtocolError, Role, Validate, events};
use serde::de::IgnoredAny;
use serde_json::json;

use super::{Caller, Reply, Table, done, join_limited, on, reply, require};

pub(super) fn register(t: &mut Table) {
    on(t, events::MODULE_SUBSCRIBE, module_subscribe);
    on(t, events::MODULE_UNSUBSCRIBE, module_unsubscribe);
    on(t, events::DASHBOARD_SUBSCRIBE, dashboard_subscribe);
    on(t, events::KPI_REPORT, kpi_report);
    on(t, events::KPI_THRESHOLD, kpi_threshold);
}

fn unknown(module: &str) -> ProtocolError {
    ProtocolError::not_found(format!("no module `{module}`"))
}

/// Joins `module:{key}` and emits `kpi:update:{key}` at once; acks `{moduleKey, kpis}`.
async fn module_subscribe(c: Caller, req: ModuleRef) -> Reply {
    req.validate()?;
    let key = req.id();
    if !c.app.kpis.exists(key) {
        return Err(unknown(key));
    }
    join_limited(&c, &module_room(key))?;
    // Snapshot after joining: a change in between also reaches the room.
    let kpis = c.app.kpis.snapshot(key).unwrap_or_default();
    c.app
        .emit_socket(&c.socket, &events::kpi_update_event(key), &kpis);
    reply(&json!({ "moduleKey": key, "kpis": kpis }))
}

async fn module_unsubscribe(c: Caller, req: ModuleRef) -> Reply {
    req.validate()?;
    let key = req.id();
    if !c.app.kpis.exists(key) {
        return Err(unknown(key));
    }
    c.socket.leave(module_room(key));
    done()
}

/// Joins `dashboard` and emits `dashboard:update` at once.
async fn dashboard_subscribe(c: Caller, _: IgnoredAny) -> Reply {
    join_limited(&c, events::DASHBOARD_ROOM)?;
    let d = c.app.kpis.dashboard();
    c.app.emit_socket(&c.socket, events::DASHBOARD_UPDATE, &d);
    done()
}

async fn kpi_report(c: Caller, req: KpiReport) -> Reply {
    require(&c, Role::Dispatcher)?;
    reply(&crate::kpi::report(&c.app, req).await?)
}

async fn kpi_threshold(c: Caller, req: KpiThreshold) -> Reply {
    require(&c, Role::Dispatcher)?;
    crate::kpi::set_threshold(&c.app, req).await?;
    done()
}
