#!/bin/sh
# Run once by the official PostgreSQL image when it creates the database (compose.yaml).
# 1. The planner settings the app passes as startup options (settings.py), which PgBouncer in
#    transaction mode cannot pass: set on the app's role, they hold for every session.
# 2. A replication role and its pg_hba entry for the optional streaming replica.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<SQL
ALTER ROLE "$POSTGRES_USER" SET jit = off;
ALTER ROLE "$POSTGRES_USER" SET max_parallel_workers_per_gather = 0;
-- Pages' runaway queries end at 10 s (DATABASE_STATEMENT_TIMEOUT, docs/outage-and-backups.md);
-- the one-off migrate service connects straight to PostgreSQL and lifts it for its session.
ALTER ROLE "$POSTGRES_USER" SET statement_timeout = '10s';
-- What Django would otherwise SET on each new connection (its PostgreSQL notes).
ALTER ROLE "$POSTGRES_USER" SET client_encoding = 'UTF8';
ALTER ROLE "$POSTGRES_USER" SET timezone = 'UTC';
CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD '$POSTGRES_PASSWORD';
SQL
echo "host replication replicator all scram-sha-256" >> "$PGDATA/pg_hba.conf"
