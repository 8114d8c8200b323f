#!/bin/sh
# Regenerates expected outputs with the reference docker compose (tests only; never a dependency).
# Usage: sh gen.sh [case...]   (from this directory; every case when none is named)
# Each case directory holds an `args` file: global options (-f, -p, --profile, --env-file,
# --project-directory), `--no-interpolate` and service names, which go after `config`. `environment`
# (next to this script) is the whole process environment, as the Swift tests use it. Cases with
# `--no-interpolate` get no expected.hash (the hash needs an interpolated project).
R=/opt/compose-ref/lib/python3.11/site-packages/compose/docker-compose
ENVIRONMENT=$(cat "$(dirname "$0")/environment" | tr '\n' ' ')
cd "$(dirname "$0")" || exit 1
[ $# -gt 0 ] || set -- $(for d in */; do echo "${d%/}"; done)

for case in "$@"; do
  [ -f "$case/args" ] || continue
  globals="" services="" configflags=""
  set -f; set -- $(cat "$case/args"); set +f
  while [ $# -gt 0 ]; do
    case $1 in
      -f|-p|--file|--profile|--env-file|--project-name|--project-directory) globals="$globals $1 $2"; shift 2 ;;
      --no-interpolate) configflags="$configflags $1"; shift ;;
      -*) globals="$globals $1"; shift ;;
      *) services="$services $1"; shift ;;
    esac
  done
  abs=$(cd "$case" && pwd)
  run() { dir=$1; shift; (cd "$dir" && env -i $ENVIRONMENT "$R" $globals config "$@"); }
  run "$case" $configflags $services | sed "s#$abs#\$FIXTURE_DIR#g" > "$case/expected.yaml"
  run "$case" $configflags --format json $services | sed "s#$abs#\$FIXTURE_DIR#g" > "$case/expected.json"
  [ -z "$configflags" ] || continue
  # Hashes cover absolute paths: compute them from a fixed copy the test names too.
  fixed=/tmp/swcompose-pipeline/$case
  rm -rf "$fixed" && mkdir -p "$fixed" && cp -r "$case/." "$fixed/"
  run "$fixed" --hash '*' > "$case/expected.hash"
  rm -rf "$fixed"
done
