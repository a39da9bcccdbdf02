-- Chat (PROTOCOL.md §7, §9): messages, read receipts, and who may enter private rooms.

-- The creator as `createdBy` shows them, so a room reads back without the users table (an HTTP
-- caller that created a room need not have connected yet).
ALTER TABLE chat_rooms ADD COLUMN created_by_name TEXT;
ALTER TABLE chat_rooms ADD COLUMN created_by_role TEXT;

-- Who may join a private room: its creator and the users added over HTTP. Unlike
-- `room_members` (which `room:leave` ends, and which notifications to target `room` address),
-- access survives leaving, so a member of a private room can come back.
CREATE TABLE room_access (
    room_id TEXT NOT NULL REFERENCES chat_rooms (id),
    user_id TEXT NOT NULL,
    PRIMARY KEY (room_id, user_id)
) WITHOUT ROWID;

-- Every room message and direct message, stored before it is emitted. Exactly one of
-- `room_id` (room message) and `recipient_id` (direct message) is set.
CREATE TABLE chat_messages (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    id           TEXT NOT NULL UNIQUE,
    room_id      TEXT REFERENCES chat_rooms (id),
    recipient_id TEXT,
    -- Direct messages: both user ids, sorted, joined by a newline; one index range per pair.
    dm_pair      TEXT,
    sender_id    TEXT NOT NULL,
    sender_name  TEXT NOT NULL,
    sender_role  TEXT NOT NULL,
    text         TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    -- Direct messages: when a recipient socket first had it (online at send time, or fetched
    -- with `requestMissedMessages` / `message:history`). NULL = still undelivered.
    delivered_at TEXT,
    CHECK ((room_id IS NULL) <> (recipient_id IS NULL)),
    CHECK ((recipient_id IS NULL) = (dm_pair IS NULL))
);
CREATE INDEX chat_messages_by_room ON chat_messages (room_id, seq) WHERE room_id IS NOT NULL;
CREATE INDEX chat_messages_by_pair ON chat_messages (dm_pair, seq) WHERE dm_pair IS NOT NULL;
CREATE INDEX chat_messages_undelivered ON chat_messages (recipient_id, seq)
    WHERE recipient_id IS NOT NULL AND delivered_at IS NULL;

-- Read receipts (`message:read`): the first read by each user is the one announced.
CREATE TABLE chat_reads (
    seq     INTEGER NOT NULL REFERENCES chat_messages (seq),
    user_id TEXT NOT NULL,
    read_at TEXT NOT NULL,
    PRIMARY KEY (seq, user_id)
) WITHOUT ROWID;
