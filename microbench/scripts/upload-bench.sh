#!/usr/bin/env bash
#
# Copyright 2026 The Netty Project
#
# The Netty Project licenses this file to you under the Apache License,
# version 2.0 (the "License"); you may not use this file except in compliance
# with the License. You may obtain a copy of the License at:
#
#   https://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
# WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
# License for the specific language governing permissions and limitations
# under the License.
#
# Upload throughput and a probe's latency while uploading: the file server with one event loop and --uploads,
# --upload-io aio (AioFileSink) against blocking (FileChannel.write and force on the loop), repetitions interleaved.
# wrk (out of process) PUTs 8 MiB bodies over C connections to 64 paths for D seconds; a probe GETs a 100-byte file
# every 10 ms on its own connection. Prints one line per run and the medians (min-max) per mode.
#
# usage: microbench/scripts/upload-bench.sh [repetitions] [seconds] [connections]
set -euo pipefail
REPS=${1:-5}
SECS=${2:-5}
CONNS=${3:-4}
HERE=$(cd "$(dirname "$0")/../.." && pwd)
JAR=$HERE/examples/target/file-server.jar
WORK=$HERE/microbench/target/upload-bench
rm -rf "$WORK"
mkdir -p "$WORK/root/up"
head -c 100 /dev/urandom > "$WORK/root/probe.bin"
cat > "$WORK/put.lua" <<'LUA'
local body = string.rep("u", 8 * 1024 * 1024)
local n = 0
request = function()
  n = n + 1
  return wrk.format("PUT", "/up/f" .. (n % 64), nil, body)
end
LUA
cat > "$WORK/probe.py" <<'PY'
import http.client, sys, time
port, secs, out = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
c = http.client.HTTPConnection("127.0.0.1", port)
lat = []
end = time.monotonic() + secs
while time.monotonic() < end:
    t = time.monotonic()
    c.request("GET", "/probe.bin")
    r = c.getresponse(); r.read()
    lat.append((time.monotonic() - t) * 1000)
    time.sleep(max(0, 0.01 - (time.monotonic() - t)))
lat.sort()
open(out, "w").write("%.2f %.2f %d\n" % (lat[len(lat) // 2], lat[int(len(lat) * 0.99)], len(lat)))
PY
port=18431
results=$WORK/results.txt
: > "$results"
for rep in $(seq 1 "$REPS"); do
  for io in aio blocking; do
    port=$((port + 1))
    java -Xmx1g -jar "$JAR" --root "$WORK/root" --port $port --threads 1 --uploads --upload-io $io \
        > "$WORK/server-$io-$rep.log" 2>&1 &
    pid=$!
    for _ in $(seq 1 100); do
      curl -s -o /dev/null "http://127.0.0.1:$port/probe.bin" && break
      sleep 0.1
    done
    python3 "$WORK/probe.py" $port "$SECS" "$WORK/probe-$io-$rep.txt" &
    probe=$!
    wrk -t1 -c"$CONNS" -d"${SECS}s" -s "$WORK/put.lua" "http://127.0.0.1:$port" > "$WORK/wrk-$io-$rep.txt"
    wait $probe
    kill $pid
    wait $pid 2>/dev/null || true
    reqs=$(awk '/^Requests\/sec/ {print $2}' "$WORK/wrk-$io-$rep.txt")
    non2xx=$(awk '/Non-2xx/ {print $NF}' "$WORK/wrk-$io-$rep.txt")
    mibs=$(awk -v r="$reqs" 'BEGIN {printf "%.0f", r * 8}')
    read -r p50 p99 n < "$WORK/probe-$io-$rep.txt"
    line="$io rep $rep: ${mibs} MiB/s uploaded, probe p50 ${p50} ms p99 ${p99} ms ($n probes)"
    echo "$line${non2xx:+, non-2xx $non2xx}" | tee -a "$results"
  done
done
for io in aio blocking; do
  grep "^$io " "$results" | awk -v io=$io '
    { t[NR] = $4; p[NR] = $12 }
    function median(a, n,   i, j, x) {
      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { x = a[i]; a[i] = a[j]; a[j] = x }
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    END {
      n = NR; mt = median(t, n); lo = t[1]; hi = t[n]; mp = median(p, n); plo = p[1]; phi = p[n]
      printf "%-8s upload %s MiB/s (%s-%s), probe p99 %s ms (%s-%s), %d runs\n", io, mt, lo, hi, mp, plo, phi, n
    }'
done
