#!/bin/sh
# Run once by the postgres image when it creates the primary's data (compose.yaml, service
# db): lets the db-replica service stream from it as ihl, with the same password.
echo "host replication ihl all scram-sha-256" >> "$PGDATA/pg_hba.conf"
