#!/bin/sh
# The streaming replica: on its first start (an empty data directory) a base backup of the primary with
# pg_basebackup -R (standby.signal and primary_conninfo written) through its slot (made by the primary's init script), then PostgreSQL as a hot standby.
set -eu
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  until pg_basebackup --host=postgres --username=replicator --pgdata="$PGDATA" --wal-method=stream \
    --write-recovery-conf --slot=replica1 --checkpoint=fast; do
    echo 'waiting for the primary to take a base backup from...'
    rm -rf "${PGDATA:?}"/*
    sleep 2
  done
  chmod 0700 "$PGDATA"
fi
exec postgres -c hot_standby=on
