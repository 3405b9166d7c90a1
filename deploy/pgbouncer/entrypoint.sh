#!/bin/sh
# The one account PgBouncer lets in, and signs in with, from the environment (never in the image).
set -eu
: "${DB_USER:?}" "${DB_PASSWORD:?}"
umask 077
printf '"%s" "%s"\n' "$DB_USER" "$DB_PASSWORD" > /tmp/userlist.txt
exec pgbouncer /etc/pgbouncer/pgbouncer.ini
