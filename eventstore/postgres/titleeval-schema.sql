-- Run as the postgres superuser in database message_store, after Message DB's
-- database/install.sh. Idempotent.
--
-- The application connects as role message_store: it reads
-- message_store.messages, calls message_store.write_message() etc., and
-- creates its own tables (projections, checkpoints, ...) in schema titleeval.

CREATE SCHEMA IF NOT EXISTS titleeval AUTHORIZATION message_store;
GRANT USAGE, CREATE ON SCHEMA titleeval TO message_store;

-- Message DB's functions refer to their table and helpers unqualified, so the
-- role calling them needs message_store on its search_path.
-- (Role settings are cluster-wide and apply to new sessions.)
ALTER ROLE message_store SET search_path = message_store, titleeval, public;
