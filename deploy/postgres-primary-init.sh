#!/bin/sh
# Runs once, when the official image initialises the primary's empty data directory (docker-entrypoint-initdb.d):
# a login and a slot for streaming replication, and a pg_hba line letting it connect for replication from the compose network.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" --set=password="$REPLICATION_PASSWORD" <<'SQL'
CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD :'password';
-- The replica's slot: WAL it has not received stays here while it is down or still taking its base backup.
SELECT pg_create_physical_replication_slot('replica1');
SQL
echo 'host replication replicator all scram-sha-256' >> "$PGDATA/pg_hba.conf"
