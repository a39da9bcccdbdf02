//! KPI values and thresholds (PROTOCOL.md §4), loaded at start-up so both survive a restart.

use opsdeck_protocol::kpi::{Kpi, KpiStatus, KpiThreshold, ThresholdDirection};
use sqlx::Row;

use super::{Store, from_text, now_text, to_text};
use crate::domain::kpi::KpiState;
use crate::error::ServerError;

/// One stored KPI: its module, its position there, and its state (status `ok`, to be
/// recomputed from the thresholds).
#[derive(Debug, Clone, PartialEq)]
pub struct StoredKpi {
    /// The module.
    pub module_key: String,
    /// Order within the module.
    pub position: i64,
    /// The KPI.
    pub state: KpiState,
}

fn direction_str(d: ThresholdDirection) -> &'static str {
    match d {
        ThresholdDirection::Above => "above",
        ThresholdDirection::Below => "below",
    }
}

impl Store {
    /// Every stored KPI, by module and position.
    pub async fn load_kpis(&self) -> Result<Vec<StoredKpi>, ServerError> {
        let rows = sqlx::query(
            "SELECT module_key, key, position, label, value, prev_value, unit, trend, updated_at
             FROM kpi_values ORDER BY module_key, position",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(StoredKpi {
                    module_key: r.try_get("module_key")?,
                    position: r.try_get("position")?,
                    state: KpiState {
                        kpi: Kpi {
                            key: r.try_get("key")?,
                            label: r.try_get("label")?,
                            value: r.try_get("value")?,
                            unit: r.try_get("unit")?,
                            trend: r.try_get("trend")?,
                            status: KpiStatus::Ok,
                            updated_at: from_text(&r.try_get::<String, _>("updated_at")?),
                        },
                        previous: r.try_get("prev_value")?,
                    },
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()
            .map_err(ServerError::from)
    }

    /// Stores the latest state of some KPIs of `module_key` (with their positions), in one
    /// transaction.
    pub async fn save_kpis(
        &self,
        module_key: &str,
        kpis: &[(i64, &KpiState)],
    ) -> Result<(), ServerError> {
        if kpis.is_empty() {
            return Ok(());
        }
        let mut tx = self.pool().begin().await?;
        for (position, s) in kpis {
            sqlx::query(
                "INSERT INTO kpi_values
                   (module_key, key, position, label, value, prev_value, unit, trend, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                 ON CONFLICT (module_key, key) DO UPDATE SET
                   position = excluded.position, label = excluded.label, value = excluded.value,
                   prev_value = excluded.prev_value, unit = excluded.unit,
                   trend = excluded.trend, updated_at = excluded.updated_at",
            )
            .bind(module_key)
            .bind(&s.kpi.key)
            .bind(position)
            .bind(&s.kpi.label)
            .bind(s.kpi.value)
            .bind(s.previous)
            .bind(s.kpi.unit.as_deref())
            .bind(s.kpi.trend.as_deref())
            .bind(to_text(s.kpi.updated_at))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Every threshold set with `kpi:threshold`.
    pub async fn load_thresholds(&self) -> Result<Vec<KpiThreshold>, ServerError> {
        let rows = sqlx::query(
            "SELECT module_key, key, warning, critical, direction FROM kpi_thresholds
             ORDER BY module_key, key",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let direction: String = r.try_get("direction")?;
                Ok(KpiThreshold {
                    module_key: r.try_get("module_key")?,
                    key: r.try_get("key")?,
                    warning: r.try_get("warning")?,
                    critical: r.try_get("critical")?,
                    direction: if direction == "below" {
                        ThresholdDirection::Below
                    } else {
                        ThresholdDirection::Above
                    },
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()
            .map_err(ServerError::from)
    }

    /// Stores (or replaces) the thresholds of one KPI.
    pub async fn save_threshold(&self, t: &KpiThreshold) -> Result<(), ServerError> {
        sqlx::query(
            "INSERT INTO kpi_thresholds (module_key, key, warning, critical, direction, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (module_key, key) DO UPDATE SET
               warning = excluded.warning, critical = excluded.critical,
               direction = excluded.direction, updated_at = excluded.updated_at",
        )
        .bind(&t.module_key)
        .bind(&t.key)
        .bind(t.warning)
        .bind(t.critical)
        .bind(direction_str(t.direction))
        .bind(now_text())
        .execute(self.pool())
        .await?;
        Ok(())
    }
}
