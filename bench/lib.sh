# Shared by the benchmarks: timing, medians and the ratio line, in one place.
# Times are wall-clock milliseconds of whole commands, output sent to /dev/null.

# ms CMD...: runs CMD once, prints its wall time in milliseconds.
ms() {
    local t0 t1
    t0=$(date +%s%N)
    "$@" >/dev/null 2>&1 || true
    t1=$(date +%s%N)
    echo $(( (t1 - t0) / 1000000 ))
}

# median N...: the median of its arguments.
median() {
    printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2] + a[NR/2+1]) / 2)}'
}

# compare LABEL ROUNDS -- KMOD_CMD... -- MODSTACK_CMD...: alternates the two commands ROUNDS
# times each, then prints both medians and modstack's time as a ratio of kmod's.
compare() {
    local label=$1 rounds=$2; shift 3
    local kmod=() ours=()
    while [[ $1 != -- ]]; do kmod+=("$1"); shift; done; shift
    ours=("$@")
    local tk=() to=()
    for ((i = 0; i < rounds; i++)); do
        tk+=("$(ms "${kmod[@]}")")
        to+=("$(ms "${ours[@]}")")
    done
    local mk mo
    mk=$(median "${tk[@]}"); mo=$(median "${to[@]}")
    printf "%-34s ${ANCHOR:-kmod} %6d ms   modstack %6d ms   ratio %s   (median of %d; ${ANCHOR:-kmod}: %s; modstack: %s)\n" \
        "$label" "$mk" "$mo" "$(awk -v a="$mo" -v b="$mk" 'BEGIN {printf "%.2f", (b ? a / b : 0)}')" \
        "$rounds" "${tk[*]}" "${to[*]}"
}
