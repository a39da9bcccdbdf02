//! Fleet REST (PROTOCOL.md §5): the registry and HTTP ingestion for devices that do not keep
//! a socket open.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use opsdeck_protocol::fleet::{EmergencyBody, LocationBatch, VehicleStatusBody, VehicleUpsert};
use opsdeck_protocol::{ProtocolError, validate};
use serde_json::json;

use super::extract::{ApiError, Body, Caller, Dispatcher, Viewer, ok};
use crate::fleet::service;
use crate::state::App;

pub(super) async fn list(State(app): State<App>, _: Viewer) -> Result<Response, ApiError> {
    Ok(ok(json!({ "vehicles": service::vehicles(&app) })).into_response())
}

pub(super) async fn upsert(
    State(app): State<App>,
    _: Dispatcher,
    Body(req): Body<VehicleUpsert>,
) -> Result<Response, ApiError> {
    Ok(ok(service::upsert_vehicle(&app, req).await?).into_response())
}

fn vehicle_id(id: &str) -> Result<(), ApiError> {
    validate::id("vehicleId", id).map_err(|e| ApiError(ProtocolError::from(e)))
}

pub(super) async fn locations(
    State(app): State<App>,
    Path(id): Path<String>,
    caller: Caller,
    Body(batch): Body<LocationBatch>,
) -> Result<Response, ApiError> {
    vehicle_id(&id)?;
    service::may_report(&caller.0, &id)?;
    let now = crate::store::now();
    // All or nothing: every sample is checked before any is applied.
    let reports = batch.into_reports(&id, now).map_err(ProtocolError::from)?;
    let accepted = reports.len();
    for r in reports {
        service::ingest_location(&app, &caller.0, r).await?;
    }
    Ok(ok(json!({ "accepted": accepted })).into_response())
}

pub(super) async fn status(
    State(app): State<App>,
    Path(id): Path<String>,
    caller: Caller,
    Body(body): Body<VehicleStatusBody>,
) -> Result<Response, ApiError> {
    vehicle_id(&id)?;
    service::ingest_status(&app, &caller.0, body.into_report(&id)).await?;
    Ok(ok(service::vehicle(&app, &id)?).into_response())
}

pub(super) async fn emergency(
    State(app): State<App>,
    Path(id): Path<String>,
    caller: Caller,
    Body(body): Body<EmergencyBody>,
) -> Result<Response, ApiError> {
    vehicle_id(&id)?;
    service::raise_emergency(&app, &caller.0, body.into_raise(&id)).await?;
    Ok(ok(json!({})).into_response())
}
