-- Fleet (PROTOCOL.md §5): the vehicle registry with each vehicle's latest known state.
CREATE TABLE vehicles (
    id           TEXT PRIMARY KEY NOT NULL,
    plate_number TEXT NOT NULL,
    name         TEXT,
    driver_id    TEXT,
    status       TEXT NOT NULL DEFAULT 'offline',
    fuel_level   REAL,
    trip_id      TEXT,
    -- Latest position as JSON (a protocol Location), NULL before the first report.
    location     TEXT,
    last_update  TEXT NOT NULL
);

-- Every accepted position (history), written in batches; ts is Unix milliseconds.
CREATE TABLE locations (
    vehicle_id TEXT NOT NULL,
    ts         INTEGER NOT NULL,
    lat        REAL NOT NULL,
    lng        REAL NOT NULL,
    speed      REAL,
    heading    REAL,
    accuracy   REAL
);
CREATE INDEX locations_by_vehicle_ts ON locations (vehicle_id, ts);
CREATE INDEX locations_by_ts ON locations (ts);

-- Trips, open and closed; the whole Trip as JSON beside the columns queries need.
CREATE TABLE trips (
    id         TEXT PRIMARY KEY NOT NULL,
    vehicle_id TEXT NOT NULL,
    status     TEXT NOT NULL,
    data       TEXT NOT NULL
);
CREATE INDEX trips_open ON trips (vehicle_id) WHERE status IN ('scheduled', 'started', 'ongoing');

-- Geofences: the protocol Geofence as JSON.
CREATE TABLE geofences (
    id         TEXT PRIMARY KEY NOT NULL,
    data       TEXT NOT NULL,
    created_at TEXT NOT NULL
);
