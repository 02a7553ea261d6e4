#!/usr/bin/env bash
# The "Run as processes" section of README.md, end to end: two cart.hydro replicas and the
# service client as processes on 127.0.0.1 (peer ports 7001-7003, HTTP 8001-8003), items added
# with curl, server2 killed with -9 mid-session and restarted on its state directory, then the
# checkout. It prints each step and exits 1 if an answer is not the one the README shows.
# Bounded: it gives up after 180 s, and it stops every process it started however it ends.
# Usage: examples/shopping-cart/run.sh   (from anywhere; STATE=dir keeps the state there)
set -euo pipefail
cd "$(dirname "$0")/../.."

STATE_PREFIX=hydro-cart
source examples/process-helpers.sh

server() {
  start "$1" examples/shopping-cart/cart.hydro --me "$1" --listen "127.0.0.1:$2" --http "127.0.0.1:$3" --state "$STATE/$1"
}

server server1 7002 8002
server server2 7003 8003
start client examples/shopping-cart/service/client.hydro --listen 127.0.0.1:7001 --http 127.0.0.1:8001 \
  --peers server1=127.0.0.1:7002,server2=127.0.0.1:7003 --state "$STATE/client"
listening server1
listening server2
listening client

curl -sN --max-time 170 localhost:8001/out/total > "$STATE/receipts.txt" &
PIDS+=($!)

post localhost:8001/in/add '[["apples", 2], ["pears", 1]]'
post localhost:8001/in/add '[["apples", -1]]'
BEFORE='[[1,"apples",-1,2],[1,"apples",2,1],[1,"pears",1,1]]'
expect localhost:8002/state/action_log "$BEFORE"
expect localhost:8003/state/action_log "$BEFORE"

echo "$ kill -9 server2"
kill -9 "$PID_server2"
wait "$PID_server2" 2>/dev/null || true
post localhost:8001/in/add '[["figs", 3]]'

echo "restarting server2 on its state directory"
server server2 7003 8003
listening server2
answer=$(curl -s --max-time 10 localhost:8003/state/action_log)
echo "$ curl localhost:8003/state/action_log   # at once"
echo "$answer"
for tuple in '[1,"apples",-1,2]' '[1,"apples",2,1]' '[1,"pears",1,1]'; do
  [[ $answer == *"$tuple"* ]] || fail "server2 lost $tuple: $answer"
done
AFTER='[[1,"apples",-1,2],[1,"apples",2,1],[1,"figs",3,3],[1,"pears",1,1]]'
expect localhost:8003/state/action_log "$AFTER"
expect localhost:8002/state/action_log "$AFTER"

post localhost:8001/in/pay '[[]]'
RECEIPT='[[1,"apples",1],[1,"figs",3],[1,"pears",1]]'
deadline=$((SECONDS + 30))
until grep -qF "\"tuples\":$RECEIPT" "$STATE/receipts.txt"; do
  ((SECONDS < deadline)) || fail "no receipt $RECEIPT on /out/total: $(cat "$STATE/receipts.txt")"
  sleep 0.25
done
sleep 1
echo "$ curl -N localhost:8001/out/total"
cat "$STATE/receipts.txt"
# Every line streamed must be one of the receipt's: a replica that lost an action would bill differently.
node -e '
  const [file, receipt] = process.argv.slice(1);
  const right = new Set(JSON.parse(receipt).map((tuple) => JSON.stringify(tuple)));
  const lines = require("fs").readFileSync(file, "utf8").split("\n").filter((line) => line.startsWith("data:"));
  const wrong = lines.flatMap((line) => JSON.parse(line.slice(5)).tuples).filter((tuple) => !right.has(JSON.stringify(tuple)));
  if (wrong.length > 0) { console.error("run.sh: billed wrongly: " + JSON.stringify(wrong)); process.exit(1); }
' "$STATE/receipts.txt" "$RECEIPT"
echo "ok: both replicas billed apples 1, figs 3, pears 1"
