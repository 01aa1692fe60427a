# Shared by the benchmarks: prerequisites, timing, medians and the ratio line, in one place.
# Times are wall-clock milliseconds of whole commands, output sent to /dev/null. A command that
# fails stops the benchmark (its stderr shown): a failing run is never timed. The benchmarks
# install nothing: what is missing is named, with the script that provides it.

CACHE=${MODSTACK_CACHE:-$HOME/.cache/modstack}

# fail MESSAGE: one line on stderr, then the benchmark stops.
fail() {
    echo "bench: $*" >&2
    exit 1
}

# cached_tree NAME: the cached module tree NAME (amd64, amd64-xz, ...), or stop naming what makes it.
cached_tree() {
    [[ -f $CACHE/trees/$1/.complete && -s $CACHE/trees/$1/VERSION ]] \
        || fail "no tree $1 in $CACHE/trees (make it with: scripts/fetch-trees.sh $1)"
    echo "$CACHE/trees/$1"
}

# require COMMAND...: stop unless each command is installed (scripts/setup.sh installs them).
require() {
    local c
    for c in "$@"; do
        command -v "$c" >/dev/null 2>&1 || fail "$c is not installed (scripts/setup.sh installs it)"
    done
}

# kmod34 TOOL: the command words running kmod 34 as TOOL, or stop if its root is not built.
kmod34() {
    [[ -f $CACHE/kmod34/.complete ]] || fail "kmod 34 is not built (make it with: scripts/kmod34.sh)"
    scripts/kmod34.sh --print-command "$1"
}

# build_jar: builds target/modstack-cli.jar when missing (the launcher rebuilds it when sources change).
build_jar() {
    [[ -f target/modstack-cli.jar ]] || mvn -q -B -DskipTests package || fail "the build failed"
}

# machine: the line saying what the figures were measured on.
machine() {
    echo "$(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(java -version 2>&1 | head -1)"
}

# ms CMD...: runs CMD once, prints its wall time and its CPU time (user + system of every
# process it ran) in milliseconds, "WALL CPU"; stops the benchmark when it fails. On a machine
# others are loading, the CPU time moves less than the wall time.
ms() {
    local t0 t1 err rc=0 before after
    err=$(mktemp)
    times >"$err.before"    # here, not in a subshell: line 2 is this shell's finished children so far
    t0=${EPOCHREALTIME/./}    # microseconds, without starting a process
    "$@" >/dev/null 2>"$err" || rc=$?
    t1=${EPOCHREALTIME/./}
    if ((rc != 0)); then
        echo "bench: failed with status $rc: $*" >&2
        tail -n 5 "$err" >&2
        rm -f "$err" "$err.before"
        return 1
    fi
    times >"$err"
    before=$(cpu_ms <"$err.before"); after=$(cpu_ms <"$err")
    echo "$(( (t1 - t0) / 1000 )) $((after - before))"
    rm -f "$err" "$err.before"
}

# cpu_ms: the user + system milliseconds on the second line of `times`' output.
cpu_ms() {
    awk 'NR == 2 {
        ms = 0
        for (i = 1; i <= NF; i++) { split($i, p, "m"); sub("s", "", p[2]); ms += p[1] * 60000 + p[2] * 1000 }
        printf "%d", ms }'
}

# median N...: the median of its arguments.
median() {
    printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2] + a[NR/2+1]) / 2)}'
}

# ratio A B: A / B with two decimals.
ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", (b ? a / b : 0)}'
}

# timed NAME ROUNDS CMD...: ROUNDS runs of CMD; wall times appended to the array NAME_wall, CPU
# times to NAME_cpu. Stops the benchmark on a failure.
timed() {
    local -n w=$1_wall c=$1_cpu
    local rounds=$2 t
    shift 2
    for ((i = 0; i < rounds; i++)); do
        t=$(ms "$@") || exit 1
        w+=("${t% *}")
        c+=("${t#* }")
    done
}

# compare LABEL ROUNDS -- KMOD_CMD... -- MODSTACK_CMD...: alternates the two commands ROUNDS
# times each, then prints both medians and modstack's time as a ratio of kmod's, wall time first,
# then CPU time. With GOAL set, the line says whether the wall-time ratio meets it.
compare() {
    local label=$1 rounds=$2; shift 3
    local kmod=() ours=()
    while [[ $1 != -- ]]; do kmod+=("$1"); shift; done; shift
    ours=("$@")
    local k_wall=() k_cpu=() o_wall=() o_cpu=()
    for ((r = 0; r < rounds; r++)); do
        timed k 1 "${kmod[@]}"
        timed o 1 "${ours[@]}"
    done
    local mk mo ck co r
    mk=$(median "${k_wall[@]}"); mo=$(median "${o_wall[@]}"); r=$(ratio "$mo" "$mk")
    ck=$(median "${k_cpu[@]}"); co=$(median "${o_cpu[@]}")
    printf "%-50s ${ANCHOR:-kmod} %6d ms   modstack %6d ms   ratio %s%s   cpu: %d ms, %d ms, ratio %s   (median of %d; ${ANCHOR:-kmod}: %s; modstack: %s)\n" \
        "$label" "$mk" "$mo" "$r" "$(goal "$r")" "$ck" "$co" "$(ratio "$co" "$ck")" "$rounds" "${k_wall[*]}" "${o_wall[*]}"
}

# goal VALUE: ", goal ≤ GOAL met|missed" when GOAL is set, else nothing.
goal() {
    [[ -n ${GOAL:-} ]] || return 0
    if awk -v v="$1" -v g="$GOAL" 'BEGIN {exit !(v <= g)}'; then
        echo " (goal ≤ $GOAL: met)"
    else
        echo " (goal ≤ $GOAL: missed)"
    fi
}

# absolute LABEL ROUNDS CMD...: the median of ROUNDS runs of a command kmod has no counterpart
# for, in milliseconds (wall, then CPU), against GOAL (milliseconds, wall) when set.
absolute() {
    local label=$1 rounds=$2 m
    shift 2
    local a_wall=() a_cpu=()
    timed a "$rounds" "$@"
    m=$(median "${a_wall[@]}")
    printf "%-50s modstack %6d ms%s   cpu %d ms   (median of %d: %s)\n" "$label" "$m" "$(goal "$m")" \
        "$(median "${a_cpu[@]}")" "$rounds" "${a_wall[*]}"
}

# peak_rss CMD...: CMD's peak resident set in KB (GNU time's "Maximum resident set size").
peak_rss() {
    local out rc=0
    out=$(mktemp)
    /usr/bin/time -v -o "$out" "$@" >/dev/null 2>&1 || rc=$?
    ((rc == 0)) || { rm -f "$out"; fail "failed with status $rc: $*"; }
    awk -F': ' '/Maximum resident set size/ {print $2}' "$out"
    rm -f "$out"
}
