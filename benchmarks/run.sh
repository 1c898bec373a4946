#!/usr/bin/env bash
# Runs one JMH suite with quick defaults and prints ours beside the peer:
#   benchmarks/run.sh <ClassRegex> [extra JMH options]
# e.g. benchmarks/run.sh SnowflakeBenchmark -t 2
# Builds what it needs; suites start the services they need through toutiao-testing.
# JSON goes to benchmarks/target/jmh-<ClassRegex>.json.
set -euo pipefail
if [ $# -lt 1 ]; then
  echo "usage: benchmarks/run.sh <ClassRegex> [extra JMH options]" >&2
  exit 2
fi
cd "$(dirname "$0")/.."
regex=$1
shift
mvn -q -B -ntp -DskipTests -pl benchmarks -am package
jar=benchmarks/target/benchmarks.jar
out="benchmarks/target/jmh-$(printf '%s' "$regex" | tr -c 'A-Za-z0-9_.-' '_').json"
# Quick defaults, each unless the caller gave that option (JMH refuses an option twice).
defaults=()
for pair in "-f 1" "-wi 2" "-i 3" "-w 1s" "-r 2s"; do
  option=${pair%% *}
  given=false
  for arg in "$@"; do
    [ "$arg" = "$option" ] && given=true
  done
  $given || defaults+=($pair)
done
java -jar "$jar" "$regex" "${defaults[@]}" "$@" -rf json -rff "$out"
echo
java -cp "$jar" io.toutiao.benchmarks.RatioReport "$out"
