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

# ms CMD...: runs CMD once, prints its wall time in milliseconds; stops the benchmark when it fails.
ms() {
    local t0 t1 err rc=0
    err=$(mktemp)
    t0=$(date +%s%N)
    "$@" >/dev/null 2>"$err" || rc=$?
    t1=$(date +%s%N)
    if ((rc != 0)); then
        echo "bench: failed with status $rc: $*" >&2
        tail -n 5 "$err" >&2
        rm -f "$err"
        return 1
    fi
    rm -f "$err"
    echo $(( (t1 - t0) / 1000000 ))
}

# median N...: the median of its arguments.
median() {
    printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2] + a[NR/2+1]) / 2)}'
}

# ratio A B: A / B with two decimals.
ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", (b ? a / b : 0)}'
}

# runs ROUNDS CMD...: ROUNDS timed runs of CMD, the times space-separated; stops on a failure.
runs() {
    local rounds=$1 t all=()
    shift
    for ((i = 0; i < rounds; i++)); do
        t=$(ms "$@") || exit 1
        all+=("$t")
    done
    echo "${all[*]}"
}

# compare LABEL ROUNDS -- KMOD_CMD... -- MODSTACK_CMD...: alternates the two commands ROUNDS
# times each, then prints both medians and modstack's time as a ratio of kmod's. With GOAL set,
# the line ends with the goal ratio and whether it is met.
compare() {
    local label=$1 rounds=$2; shift 3
    local kmod=() ours=()
    while [[ $1 != -- ]]; do kmod+=("$1"); shift; done; shift
    ours=("$@")
    local tk=() to=() t
    for ((i = 0; i < rounds; i++)); do
        t=$(ms "${kmod[@]}") || exit 1
        tk+=("$t")
        t=$(ms "${ours[@]}") || exit 1
        to+=("$t")
    done
    local mk mo r
    mk=$(median "${tk[@]}"); mo=$(median "${to[@]}"); r=$(ratio "$mo" "$mk")
    printf "%-50s ${ANCHOR:-kmod} %6d ms   modstack %6d ms   ratio %s%s   (median of %d; ${ANCHOR:-kmod}: %s; modstack: %s)\n" \
        "$label" "$mk" "$mo" "$r" "$(goal "$r")" "$rounds" "${tk[*]}" "${to[*]}"
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
# for, in milliseconds, against GOAL (milliseconds) when set.
absolute() {
    local label=$1 rounds=$2 all m
    shift 2
    all=$(runs "$rounds" "$@") || exit 1
    # shellcheck disable=SC2086
    m=$(median $all)
    printf "%-50s modstack %6d ms%s   (median of %d: %s)\n" "$label" "$m" "$(goal "$m")" "$rounds" "$all"
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
