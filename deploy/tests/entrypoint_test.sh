#!/usr/bin/env bash
# Runs the published server the way the Dockerfile does (its ENV lines, no arguments: `serve` is the default command)
# and waits for the image's HEALTHCHECK command (`serving healthcheck`) to pass. No Docker engine runs here.
set -euo pipefail
binary_dir=$1 model=$2
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# The Dockerfile's ENV block, as env assignments (bind to loopback here instead of 0.0.0.0).
mapfile -t envs < <(sed -n '/^ENV /,/[^\\]$/p' "$(dirname "$0")/../../Dockerfile" | sed 's/^ENV //; s/\\$//' | tr -s ' ' '\n' | grep '=')
envs=("${envs[@]/SERVING_Server__Host=0.0.0.0/SERVING_Server__Host=127.0.0.1}")
envs=("${envs[@]/SERVING_Server__Port=8000/SERVING_Server__Port=$port}")
envs=("${envs[@]/SERVING_Engine__ModelCacheDirectory=\/models/SERVING_Engine__ModelCacheDirectory=$(mktemp -d)}")
env "${envs[@]}" SERVING_Engine__ModelPath="$model" "$binary_dir/serving" >/dev/null 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  if env SERVING_Server__Port="$port" "$binary_dir/serving" healthcheck >/dev/null 2>&1; then
    echo "1 passed, 0 failed (entrypoint: serve from environment, healthcheck on :$port)"
    exit 0
  fi
  kill -0 $pid 2>/dev/null || { echo "0 passed, 1 failed (the server exited)"; exit 1; }
  sleep 0.5
done
echo "0 passed, 1 failed (healthcheck never passed)"
exit 1
