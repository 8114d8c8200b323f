#!/bin/sh
# Regenerates expected outputs with the reference docker compose (tests only; never a dependency).
# Usage: sh gen.sh   (from this directory)
R=/opt/compose-ref/lib/python3.11/site-packages/compose/docker-compose
for dir in */; do
  case=${dir%/}
  abs=$(cd "$case" && pwd)
  profiles=$(cat "$case/profiles" 2>/dev/null)
  run() { (cd "$case" && env -i HOME=/home/user B=fromenv FLAG=f "$R" -f compose.yaml -p fixture $profiles config "$@"); }
  run | sed "s#$abs#\$FIXTURE_DIR#g" > "$case/expected.yaml"
  run --format json | sed "s#$abs#\$FIXTURE_DIR#g" > "$case/expected.json"
  # Hashes cover absolute paths: compute them from a fixed copy the test names too.
  fixed=/tmp/swcompose-fixtures/$case
  rm -rf "$fixed" && mkdir -p "$fixed" && cp -r "$case/." "$fixed/"
  (cd "$fixed" && env -i HOME=/home/user B=fromenv FLAG=f "$R" -f compose.yaml -p fixture $profiles config --hash '*') > "$case/expected.hash"
done
