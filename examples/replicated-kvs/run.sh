#!/usr/bin/env bash
# The "Run as processes" section of README.md, end to end: three kvs.hydro replicas as processes
# on 127.0.0.1 (peer ports 7011-7013, HTTP 8011-8013), writes with curl, replica3 killed with -9
# and restarted on its state directory while the others take newer writes, then every replica
# holding the same store. It prints each step and exits 1 if an answer is not the README's.
# Bounded: it gives up after 180 s, and it stops every process it started however it ends.
# Usage: examples/replicated-kvs/run.sh   (from anywhere; STATE=dir keeps the state there)
set -euo pipefail
cd "$(dirname "$0")/../.."

STATE_PREFIX=hydro-kvs
source examples/process-helpers.sh

PEERS=replica1=127.0.0.1:7011,replica2=127.0.0.1:7012,replica3=127.0.0.1:7013
replica() {
  start "replica$1" examples/replicated-kvs/kvs.hydro --me "replica$1" --listen "127.0.0.1:701$1" \
    --http "127.0.0.1:801$1" --peers "$PEERS" --state "$STATE/replica$1"
}

replica 1
replica 2
replica 3
listening replica1
listening replica2
listening replica3

post localhost:8011/in/put '[["color", 1, "red"], ["size", 1, "small"]]'
post localhost:8012/in/put '[["color", 2, "blue"]]'
BEFORE='[["color",[2,"replica2","blue"]],["size",[1,"replica1","small"]]]'
for i in 1 2 3; do expect "localhost:801$i/state/store" "$BEFORE"; done
read=$(post localhost:8013/in/get '[["color"]]')
echo "$read"
[[ $read == *'"outputs":{"read":[["color","blue"]]}'* ]] || fail "replica3 read $read"

echo "$ kill -9 replica3"
kill -9 "$PID_replica3"
wait "$PID_replica3" 2>/dev/null || true
post localhost:8011/in/put '[["color", 5, "green"]]'
post localhost:8012/in/put '[["shape", 3, "round"]]'

echo "restarting replica3 on its state directory"
replica 3
listening replica3
answer=$(curl -s --max-time 10 localhost:8013/state/store)
echo "$ curl localhost:8013/state/store   # at once"
echo "$answer"
# What it held before the kill, or newer versions merged since: never less.
[[ $answer == *'["size",[1,"replica1","small"]]'* ]] || fail "replica3 lost size: $answer"
[[ $answer == *'["color",[2,"replica2","blue"]]'* || $answer == *'["color",[5,"replica1","green"]]'* ]] || fail "replica3 lost color: $answer"
AFTER='[["color",[5,"replica1","green"]],["shape",[3,"replica2","round"]],["size",[1,"replica1","small"]]]'
for i in 3 1 2; do expect "localhost:801$i/state/store" "$AFTER"; done
echo "ok: the three replicas hold the same store"
