#!/usr/bin/env bash
# Benchmarks the Raft engine alone: committed proposals per second through three in-memory engines with no
# I/O, batched and unbatched (RaftThroughputBenchmark, JMH). Unattended; prints one line per benchmark.
# Extra arguments go to JMH, e.g.  scripts/bench/raft.sh -wi 1 -i 2  for a quick run.
set -euo pipefail

script_name=raft.sh
source "$(dirname "$0")/common.sh"
cd "$root"

# One reactor run (-am: the platform modules it depends on, which a fresh clone has not installed), so that their
# classes resolve from the reactor; every module writes the classpath file, consensus-service last.
classpath_file="consensus-service/target/bench.classpath"
./mvnw -q -pl consensus-service -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$(pwd)/$classpath_file" >/dev/null
classpath="consensus-service/target/test-classes:consensus-service/target/classes:$(cat "$classpath_file")"

java="$(find_java)"
# JMH 1.37 reads fields through sun.misc.Unsafe; JDK 24+ warns about it unless told the use is expected.
quiet=()
if "$java" --sun-misc-unsafe-memory-access=allow -version >/dev/null 2>&1; then
  quiet=(--sun-misc-unsafe-memory-access=allow)
fi
echo "java: $("$java" -version 2>&1 | head -1); cpus: $(nproc); load: $(cut -d' ' -f1-3 /proc/loadavg)"
"$java" "${quiet[@]}" -cp "$classpath" com.distpatterns.consensus.raft.bench.RaftThroughputBenchmark \
    -jvmArgsAppend "${quiet[*]:-} -Xms1g -Xmx1g" "$@" \
  | tee consensus-service/target/bench-raft.log | grep -E '^(RESULT|Benchmark|RaftThroughput)'
echo "target: 500000 committed proposals/s batched; full JMH output in consensus-service/target/bench-raft.log"
