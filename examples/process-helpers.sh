# Shared by the examples' run.sh scripts (sourced, after `cd` to the repository root):
# a state directory, a 180 s bound on the whole run, cleanup of every process started, and
# small helpers: start a node, wait for its listening line, poll a GET for an answer, POST.
# The sourcing script sets STATE_PREFIX (the temporary directory's name) first.

STATE=${STATE:-$(mktemp -d "${TMPDIR:-/tmp}/${STATE_PREFIX:-hydro}.XXXXXX")}
mkdir -p "$STATE"
PIDS=()

cleanup() {
  trap - EXIT INT TERM
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  echo "state and logs: $STATE"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
(
  trap 'kill $timer 2>/dev/null; exit 0' TERM
  sleep 180 & timer=$!
  wait $timer
  echo "run.sh: gave up after 180 s" >&2
  kill -TERM $$ 2>/dev/null
) &
PIDS+=($!)

fail() {
  echo "run.sh: $*" >&2
  exit 1
}

# start NAME ARGS…: a node in the background, its listening line in $STATE/NAME.out.
start() {
  local name=$1
  shift
  ./bin/hydro run "$@" > "$STATE/$name.out" 2>> "$STATE/$name.log" &
  PIDS+=($!)
  eval "PID_$name=$!"
}

# listening NAME: waits for the node's listening line (each node compiles first: seconds).
listening() {
  local pid
  eval "pid=\$PID_$1"
  until grep -q '"listening"' "$STATE/$1.out" 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || fail "$1 exited: $(tail -n 3 "$STATE/$1.log")"
    sleep 0.2
  done
  echo "$1: $(head -n 1 "$STATE/$1.out")"
}

# expect URL ANSWER: polls a GET until it answers exactly ANSWER (30 s at most).
expect() {
  local answer="" deadline=$((SECONDS + 30))
  while ((SECONDS < deadline)); do
    answer=$(curl -s --max-time 10 "$1" || true)
    if [[ $answer == "$2" ]]; then
      echo "$ curl $1"
      echo "$answer"
      return
    fi
    sleep 0.25
  done
  fail "curl $1 answered $answer, not $2"
}

post() {
  echo "$ curl -X POST $1 -d '$2'"
  curl -s --max-time 30 -X POST "$1" -d "$2"
}
