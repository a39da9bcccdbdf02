//! §5 fleet: tracking, vehicles, trips, geofences, alerts.

use opsdeck_protocol::events;
use opsdeck_protocol::fleet::{
    AlertList, AlertListRequest, EmergencyRaise, GeofenceCreate, GeofenceCreated, GeofenceList,
    LocationHistory, LocationReport, TripCancel, TripStart, TripStartResult, Vehicle,
    VehicleHistoryRequest, VehicleList, VehicleStatusReport, VehicleUpsert,
};
use serde_json::{Value, json};

use super::Done;
use crate::{Client, ClientError, Subscribed, Subscription};

impl Client {
    /// `subscribe:tracking`: every position as `tracking:update`, or with `batch_ms`
    /// (50..=5000) the latest per vehicle as `tracking:batch` at that interval. Replaces an
    /// earlier tracking subscription.
    pub async fn subscribe_tracking(
        &self,
        batch_ms: Option<u32>,
    ) -> Result<Subscribed, ClientError> {
        self.subscribe(Subscription::Tracking { batch_ms }).await
    }

    /// `unsubscribe:tracking`.
    pub async fn unsubscribe_tracking(&self) -> Result<(), ClientError> {
        self.unsubscribe(&Subscription::Tracking { batch_ms: None })
            .await
    }

    /// `subscribe:vehicle`: `vehicle:updated` now, then its updates, positions and alerts.
    pub async fn subscribe_vehicle(&self, vehicle_id: &str) -> Result<Subscribed, ClientError> {
        self.subscribe(Subscription::Vehicle {
            vehicle_id: vehicle_id.to_owned(),
        })
        .await
    }

    /// `unsubscribe:vehicle`.
    pub async fn unsubscribe_vehicle(&self, vehicle_id: &str) -> Result<(), ClientError> {
        self.unsubscribe(&Subscription::Vehicle {
            vehicle_id: vehicle_id.to_owned(),
        })
        .await
    }

    /// `subscribe:trip`: the trip's events; the ack carries `{trip}`
    /// (`result::<opsdeck_protocol::fleet::TripSnapshot>()`).
    pub async fn subscribe_trip(&self, trip_id: &str) -> Result<Subscribed, ClientError> {
        self.subscribe(Subscription::Trip {
            trip_id: trip_id.to_owned(),
        })
        .await
    }

    /// `request:active-vehicles`.
    pub async fn active_vehicles(&self) -> Result<Vec<Vehicle>, ClientError> {
        let list: VehicleList = self
            .request(events::REQUEST_ACTIVE_VEHICLES, &json!({}))
            .await?;
        Ok(list.vehicles)
    }

    /// `vehicle:history`.
    pub async fn vehicle_history(
        &self,
        request: &VehicleHistoryRequest,
    ) -> Result<LocationHistory, ClientError> {
        self.request(events::VEHICLE_HISTORY, request).await
    }

    /// `vehicle:upsert` (`dispatcher`+); returns the server's result as JSON.
    pub async fn upsert_vehicle(&self, vehicle: &VehicleUpsert) -> Result<Value, ClientError> {
        self.request(events::VEHICLE_UPSERT, vehicle).await
    }

    /// `location:report` (device for its vehicle, or `dispatcher`+).
    pub async fn report_location(&self, report: &LocationReport) -> Result<(), ClientError> {
        self.request::<_, Done>(events::LOCATION_REPORT, report)
            .await
            .map(|_| ())
    }

    /// `vehicle:report-status`.
    pub async fn report_vehicle_status(
        &self,
        report: &VehicleStatusReport,
    ) -> Result<(), ClientError> {
        self.request::<_, Done>(events::VEHICLE_REPORT_STATUS, report)
            .await
            .map(|_| ())
    }

    /// `emergency:raise`.
    pub async fn raise_emergency(&self, emergency: &EmergencyRaise) -> Result<(), ClientError> {
        self.request::<_, Done>(events::EMERGENCY_RAISE, emergency)
            .await
            .map(|_| ())
    }

    /// `trip:start` (`dispatcher`+).
    pub async fn start_trip(&self, trip: &TripStart) -> Result<TripStartResult, ClientError> {
        self.request(events::TRIP_START, trip).await
    }

    /// `trip:complete`.
    pub async fn complete_trip(&self, trip_id: &str) -> Result<(), ClientError> {
        self.request::<_, Done>(events::TRIP_COMPLETE, &json!({ "tripId": trip_id }))
            .await
            .map(|_| ())
    }

    /// `trip:cancel` (`dispatcher`+).
    pub async fn cancel_trip(&self, cancel: &TripCancel) -> Result<(), ClientError> {
        self.request::<_, Done>(events::TRIP_CANCEL, cancel)
            .await
            .map(|_| ())
    }

    /// `geofence:create` (`dispatcher`+).
    pub async fn create_geofence(
        &self,
        geofence: &GeofenceCreate,
    ) -> Result<GeofenceCreated, ClientError> {
        self.request(events::GEOFENCE_CREATE, geofence).await
    }

    /// `geofence:delete` (`dispatcher`+).
    pub async fn delete_geofence(&self, geofence_id: &str) -> Result<(), ClientError> {
        self.request::<_, Done>(
            events::GEOFENCE_DELETE,
            &json!({ "geofenceId": geofence_id }),
        )
        .await
        .map(|_| ())
    }

    /// `geofence:list` (`dispatcher`+).
    pub async fn list_geofences(&self) -> Result<GeofenceList, ClientError> {
        self.request(events::GEOFENCE_LIST, &json!({})).await
    }

    /// `alert:list`: newest first.
    pub async fn list_alerts(&self, request: &AlertListRequest) -> Result<AlertList, ClientError> {
        self.request(events::ALERT_LIST, request).await
    }

    /// `alert:ack` (`dispatcher`+).
    pub async fn ack_alert(&self, alert_id: &str) -> Result<(), ClientError> {
        self.request::<_, Done>(events::ALERT_ACK, &json!({ "alertId": alert_id }))
            .await
            .map(|_| ())
    }
}
