#!/bin/sh
# entrypoint.sh: the busybox test image's ENTRYPOINT, a script as many real
# images have: it marks that it ran, then becomes its arguments.
export ENTRYPOINT_RAN=yes
exec "$@"
