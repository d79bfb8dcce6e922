#!/usr/bin/env bash
# Writes a spec with SCENARIOS scenario functions and FAULTS fault assumptions composed into
# one fault_matrix (SCENARIOS x FAULTS cells), to stdout.
# Usage: bench/plan/gen-spec.sh SCENARIOS FAULTS
set -euo pipefail
scenarios=${1:?scenarios}; faults=${2:?faults}
families=(write read open fsync sendto recvfrom connect)
errnos=(EIO ENOSPC ECONNREFUSED ECONNRESET EACCES ETIMEDOUT)
cat <<'HEAD'
db = service("db", "bin/mock-db", interface("main", "tcp", 5432), healthcheck = tcp("localhost:5432"))
api = service("api", "bin/mock-api", interface("public", "http", 8080),
    env = {"DB_ADDR": db.main.addr}, depends_on = [db], healthcheck = http("localhost:8080/health"))

HEAD
for ((i = 0; i < scenarios; i++)); do
    printf 'def s%d():\n    return api.get(path = "/data/k%d")\n\n' "$i" "$i"
done
for ((j = 0; j < faults; j++)); do
    fam=${families[$((j % ${#families[@]}))]}
    err=${errnos[$((j % ${#errnos[@]}))]}
    target=$([ $((j % 2)) -eq 0 ] && echo api || echo db)
    if [ $((j % 3)) -eq 0 ]; then action="delay(\"${j}ms\")"; else action="deny(\"$err\")"; fi
    printf 'f%d = fault_assumption("f%d", target = %s, %s = %s)\n' "$j" "$j" "$target" "$fam" "$action"
done
printf '\nfault_matrix(\n    scenarios = ['
for ((i = 0; i < scenarios; i++)); do printf 's%d, ' "$i"; done
printf '],\n    faults = ['
for ((j = 0; j < faults; j++)); do printf 'f%d, ' "$j"; done
printf '],\n    default_expect = lambda r: assert_true(r != None),\n)\n'
