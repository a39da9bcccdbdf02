//! §4 KPIs and dashboard.

use opsdeck_protocol::events;
use opsdeck_protocol::kpi::{KpiReport, KpiThreshold};
use serde_json::Value;

use super::Done;
use crate::{Client, ClientError, Subscribed, Subscription};

fn module(key: &str) -> Subscription {
    Subscription::Module {
        module_key: key.to_owned(),
    }
}

impl Client {
    /// `module:subscribe`: `kpi:update:{module}` now and on every change.
    pub async fn subscribe_module(&self, module_key: &str) -> Result<Subscribed, ClientError> {
        self.subscribe(module(module_key)).await
    }

    /// `module:unsubscribe`.
    pub async fn unsubscribe_module(&self, module_key: &str) -> Result<(), ClientError> {
        self.unsubscribe(&module(module_key)).await
    }

    /// `dashboard:subscribe`: `dashboard:update` now and periodically.
    pub async fn subscribe_dashboard(&self) -> Result<Subscribed, ClientError> {
        self.subscribe(Subscription::Dashboard).await
    }

    /// Stops restoring the dashboard subscription (PROTOCOL.md has no
    /// `dashboard:unsubscribe`; updates stop with the next connection).
    pub async fn unsubscribe_dashboard(&self) -> Result<(), ClientError> {
        self.unsubscribe(&Subscription::Dashboard).await
    }

    /// `kpi:report` (`dispatcher`+); returns the server's result as JSON.
    pub async fn report_kpis(&self, report: &KpiReport) -> Result<Value, ClientError> {
        self.request(events::KPI_REPORT, report).await
    }

    /// `kpi:threshold` (`dispatcher`+).
    pub async fn set_kpi_threshold(&self, threshold: &KpiThreshold) -> Result<(), ClientError> {
        self.request::<_, Done>(events::KPI_THRESHOLD, threshold)
            .await
            .map(|_| ())
    }
}
