-- TitleEval.Cases tables beside Message DB, in schema titleeval (created by titleeval-schema.sql).
-- The engine embeds this file and runs it at start under an advisory lock; every statement is idempotent.
-- The events themselves live in Message DB's message_store.messages and are written only by its
-- write_message function.

-- One row per catch-up subscription: the last global position it applied. Written in the same
-- transaction as the subscriber's read-model rows; the row lock serialises instances that run
-- the same subscription.
CREATE TABLE IF NOT EXISTS titleeval.subscription_checkpoints (
    name        text        PRIMARY KEY,
    position    bigint      NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- HTTP Idempotency-Key records, written in the same transaction as the events they produced, so a
-- replay finds the key if and only if the events exist.
CREATE TABLE IF NOT EXISTS titleeval.idempotency_keys (
    key             text        PRIMARY KEY,
    request_hash    text        NOT NULL,
    response        text        NOT NULL,
    global_position bigint      NOT NULL,
    recorded_at     timestamptz NOT NULL DEFAULT now()
);
