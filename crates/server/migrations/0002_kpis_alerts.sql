-- KPIs (PROTOCOL.md §4): the latest value of every KPI, so subscribers see it after a restart.
-- Status is not stored: it is recomputed from the value and the thresholds at start-up.
CREATE TABLE kpi_values (
    module_key TEXT NOT NULL,
    key        TEXT NOT NULL,
    -- Order within the module (order of first report).
    position   INTEGER NOT NULL,
    label      TEXT NOT NULL,
    value      REAL NOT NULL,
    -- The value before the last change (trends, top-KPI ranking).
    prev_value REAL,
    unit       TEXT,
    trend      TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (module_key, key)
) WITHOUT ROWID;

-- Thresholds set with `kpi:threshold`; they take precedence over the configuration file's.
CREATE TABLE kpi_thresholds (
    module_key TEXT NOT NULL,
    key        TEXT NOT NULL,
    warning    REAL NOT NULL,
    critical   REAL NOT NULL,
    direction  TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (module_key, key)
) WITHOUT ROWID;

-- Alerts (§5): emergencies, low fuel, geofence crossings and KPIs entering critical.
-- The first acknowledgement is kept; later ones do not overwrite it.
CREATE TABLE alerts (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    id            TEXT NOT NULL UNIQUE,
    kind          TEXT NOT NULL,
    priority      TEXT NOT NULL,
    vehicle_id    TEXT,
    module_key    TEXT,
    message       TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    acked_by_id   TEXT,
    acked_by_name TEXT,
    acked_at      TEXT
);
CREATE INDEX alerts_unacked ON alerts (seq) WHERE acked_at IS NULL;
CREATE INDEX alerts_by_created ON alerts (created_at);
