//! `POST /api/kpis/{moduleKey}` (`dispatcher`+, PROTOCOL.md §4): the HTTP twin of
//! `kpi:report`; body `{kpis: [...]}` or the bare array.

use axum::extract::{Path, State};
use axum::response::IntoResponse;
use opsdeck_protocol::kpi::KpiReportBody;

use super::extract::{ApiError, Body, Dispatcher, ok};
use crate::state::App;

pub(super) async fn report(
    State(app): State<App>,
    _caller: Dispatcher,
    Path(module_key): Path<String>,
    Body(body): Body<KpiReportBody>,
) -> Result<impl IntoResponse, ApiError> {
    Ok(ok(
        crate::kpi::report(&app, body.into_report(module_key)).await?
    ))
}
