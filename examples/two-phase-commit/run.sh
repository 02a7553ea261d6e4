#!/usr/bin/env bash
# The "Run as processes" section of README.md, end to end: the coordinator and three
# participants as processes on 127.0.0.1 (peer ports 7020-7023, HTTP 8020-8023), transactions
# begun with curl, p3 killed with -9 (the next transaction times out and aborts) and restarted
# on its state directory, then every participant holding the coordinator's decisions.
# It prints each step and exits 1 if the nodes disagree or an answer is not the README's; a
# transaction the README shows committing may abort on a loaded machine (its votes missed the
# 100 ms timeout), which it reports without failing: the nodes still agree.
# Bounded: it gives up after 180 s, and it stops every process it started however it ends.
# Usage: examples/two-phase-commit/run.sh   (from anywhere; STATE=dir keeps the state there)
set -euo pipefail
cd "$(dirname "$0")/../.."

STATE_PREFIX=hydro-tpc
source examples/process-helpers.sh

participant() {
  start "p$1" examples/two-phase-commit/participant.hydro --me "p$1" --listen "127.0.0.1:702$1" \
    --http "127.0.0.1:802$1" --peers coordinator=127.0.0.1:7020 --state "$STATE/p$1"
}

start coordinator examples/two-phase-commit/coordinator.hydro --me coordinator --listen 127.0.0.1:7020 \
  --http 127.0.0.1:8020 --peers p1=127.0.0.1:7021,p2=127.0.0.1:7022,p3=127.0.0.1:7023 --state "$STATE/coordinator"
participant 1
participant 2
participant 3
listening coordinator
listening p1
listening p2
listening p3

curl -sN --max-time 170 localhost:8020/out/outcome > "$STATE/outcomes.txt" &
PIDS+=($!)

# decision TXN: waits for the coordinator's decision on TXN (true or false).
decision() {
  local deadline=$((SECONDS + 30)) answer
  while ((SECONDS < deadline)); do
    answer=$(curl -s --max-time 10 localhost:8020/state/decided)
    if [[ $answer =~ \[$1,(true|false)\] ]]; then
      echo "${BASH_REMATCH[1]}"
      return
    fi
    sleep 0.1
  done
  fail "no decision on transaction $1: $answer"
}

# commits TXN: begins it and reports whether it committed.
commits() {
  post localhost:8020/in/begin "[[$1]]" > /dev/null
  local outcome
  outcome=$(decision "$1")
  echo "transaction $1: commit $outcome"
  [[ $outcome == true ]] || echo "  (its votes missed the 100 ms timeout: a loaded machine? the nodes still agree on the abort)"
}

post localhost:8022/in/refuse '[[2]]'
echo
commits 1
post localhost:8020/in/begin '[[2]]' > /dev/null
[[ $(decision 2) == false ]] || fail "transaction 2 committed although p2 refused it"
echo "transaction 2: commit false (p2 voted no)"
DECIDED=$(curl -s localhost:8020/state/decided)
for i in 1 2 3; do expect "localhost:802$i/state/applied" "$DECIDED"; done

echo "$ kill -9 p3"
kill -9 "$PID_p3"
wait "$PID_p3" 2>/dev/null || true
post localhost:8020/in/begin '[[3]]' > /dev/null
[[ $(decision 3) == false ]] || fail "transaction 3 committed without p3's vote"
echo "transaction 3: commit false (p3 is down: the timeout aborts it)"

echo "restarting p3 on its state directory"
participant 3
listening p3
answer=$(curl -s --max-time 10 localhost:8023/state/applied)
echo "$ curl localhost:8023/state/applied   # at once"
echo "$answer"
BEFORE=${DECIDED#[}
BEFORE=${BEFORE%]}
[[ $answer == *"$BEFORE"* ]] || fail "p3 lost what it applied: $answer, not $DECIDED"
DECIDED=$(curl -s localhost:8020/state/decided)
for i in 3 1 2; do expect "localhost:802$i/state/applied" "$DECIDED"; done
commits 4
DECIDED=$(curl -s localhost:8020/state/decided)
for i in 1 2 3; do expect "localhost:802$i/state/applied" "$DECIDED"; done
sleep 0.5
echo "$ curl -N localhost:8020/out/outcome"
cat "$STATE/outcomes.txt"
echo "ok: the coordinator and the three participants agree on $DECIDED"
