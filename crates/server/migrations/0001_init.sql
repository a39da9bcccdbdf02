-- Users known to the server (PROTOCOL.md §1): seen with a valid token, or created by an admin.
CREATE TABLE users (
    id          TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL,
    role        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    last_seen   TEXT,
    -- Broadcasts (target `all`) with seq above this were sent while the user was known.
    notif_floor INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX users_by_role ON users (role);

-- Every notification, stored before it is emitted (§6).
CREATE TABLE notifications (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    id          TEXT NOT NULL UNIQUE,
    title       TEXT NOT NULL,
    message     TEXT NOT NULL,
    type        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    sender_id   TEXT,
    sender_name TEXT,
    target_kind TEXT NOT NULL,
    target_ids  TEXT,
    data        TEXT
);
CREATE INDEX notifications_broadcasts ON notifications (seq) WHERE target_kind = 'all';

-- Addressees of targeted notifications (users, roles, room), resolved at send time.
-- Broadcasts have no rows here: they address every user whose notif_floor is below them.
CREATE TABLE notification_recipients (
    user_id TEXT NOT NULL,
    seq     INTEGER NOT NULL REFERENCES notifications (seq),
    PRIMARY KEY (user_id, seq)
) WITHOUT ROWID;

-- Read marks, for targeted and broadcast notifications alike.
CREATE TABLE notification_reads (
    user_id TEXT NOT NULL,
    seq     INTEGER NOT NULL REFERENCES notifications (seq),
    read_at TEXT NOT NULL,
    PRIMARY KEY (user_id, seq)
) WITHOUT ROWID;

-- Chat rooms and their members (§7); notifications to target `room` address the members.
CREATE TABLE chat_rooms (
    id          TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    is_public   INTEGER NOT NULL DEFAULT 1,
    created_by  TEXT,
    created_at  TEXT NOT NULL
);
CREATE TABLE room_members (
    room_id   TEXT NOT NULL REFERENCES chat_rooms (id),
    user_id   TEXT NOT NULL,
    joined_at TEXT NOT NULL,
    PRIMARY KEY (room_id, user_id)
) WITHOUT ROWID;
CREATE INDEX room_members_by_user ON room_members (user_id);
