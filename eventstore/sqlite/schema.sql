-- TitleEval.Cases event store, SQLite engine (the embedded default).
-- The engine embeds this file and runs it at start; every statement is idempotent.
-- Connection settings (set by the engine, not storable in the file): journal_mode=WAL, synchronous=FULL.

-- The event log. Append-only: the triggers below refuse UPDATE and DELETE.
-- global_position: AUTOINCREMENT so a position is never reused, even after a rolled-back append.
-- version: zero-based position in the stream (the first event is 0), as in Message DB.
-- recorded_at: the store's clock at append, Unix time in microseconds (UTC).
CREATE TABLE IF NOT EXISTS events (
    global_position INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id        TEXT    NOT NULL,
    stream_name     TEXT    NOT NULL,
    category        TEXT    NOT NULL,
    version         INTEGER NOT NULL,
    type            TEXT    NOT NULL,
    data            TEXT    NOT NULL,
    metadata        TEXT    NOT NULL,
    recorded_at     INTEGER NOT NULL
);

CREATE UNIQUE INDEX IF NOT EXISTS events_event_id ON events (event_id);
CREATE UNIQUE INDEX IF NOT EXISTS events_stream ON events (stream_name, version);
CREATE INDEX IF NOT EXISTS events_category ON events (category, global_position);

CREATE TRIGGER IF NOT EXISTS events_append_only_update BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
END;

CREATE TRIGGER IF NOT EXISTS events_append_only_delete BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
END;

-- One row per catch-up subscription: the last global position it applied. Written in the same
-- transaction as the subscriber's read-model rows.
CREATE TABLE IF NOT EXISTS subscription_checkpoints (
    name        TEXT    PRIMARY KEY,
    position    INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);

-- HTTP Idempotency-Key records, written in the same transaction as the events they produced, so a
-- replay finds the key if and only if the events exist [architecture.md §1].
CREATE TABLE IF NOT EXISTS idempotency_keys (
    key             TEXT    PRIMARY KEY,
    request_hash    TEXT    NOT NULL,
    response        TEXT    NOT NULL,
    global_position INTEGER NOT NULL,
    recorded_at     INTEGER NOT NULL
);
