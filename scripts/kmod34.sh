#!/usr/bin/env bash
# kmod34.sh - make kmod 34 (Debian trixie's kmod package) runnable on this Debian
# bookworm machine, next to the system's kmod 30, without touching apt's sources or
# state: a minimal trixie root is debootstrapped into the cache once, and its kmod is
# run on host paths (no chroot) through that root's own dynamic loader.
#
# Usage: scripts/kmod34.sh [--print-command TOOL]
#   no argument              build the root if needed; print nothing on success
#   --print-command TOOL     also print (stdout, one line, shell-quoted words) the
#                            command prefix that runs kmod 34 as TOOL (depmod,
#                            modprobe, modinfo, insmod, rmmod, lsmod or kmod), e.g.
#                              eval "$(scripts/kmod34.sh --print-command depmod) -b DIR 6.1.0-x"
#
# Root: ${MODSTACK_CACHE:-$HOME/.cache/modstack}/kmod34, with a .complete stamp (the
# last file written, before the root is renamed into place); a root without it is
# rebuilt. A warm run only checks the stamp: no network, no apt, no dpkg.
# The mirror is the Debian archive the host's apt sources use for its own release
# (/etc/apt/sources.list and /etc/apt/sources.list.d/*.{list,sources}); set
# KMOD34_MIRROR to use another one. The debootstrap log is kept in
# logs/kmod34.log under the cache.
set -euo pipefail
umask 022
export LC_ALL=C DEBIAN_FRONTEND=noninteractive

CACHE=${MODSTACK_CACHE:-${HOME:?set HOME or MODSTACK_CACHE}/.cache/modstack}
ROOT=$CACHE/kmod34
SUITE=trixie
# amd64 paths inside the trixie root (merged /usr: lib64 and lib are symlinks into usr)
LOADER=lib64/ld-linux-x86-64.so.2
LIBDIRS=(lib/x86_64-linux-gnu usr/lib/x86_64-linux-gnu)
KMOD=usr/bin/kmod
TOOLS=(depmod modprobe modinfo insmod rmmod lsmod kmod)

die() { printf 'kmod34.sh: %s\n' "$*" >&2; exit 1; }
# progress only for a person watching; scripts and tests get silence on success
say() { if [[ -t 2 ]]; then printf '[kmod34 %s] %s\n' "$(date +%T)" "$*" >&2; fi; return 0; }
usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; }

PRINT_TOOL=""
while [[ $# -gt 0 ]]; do
    case $1 in
        --print-command)
            [[ $# -ge 2 ]] || die "--print-command needs a tool name"
            PRINT_TOOL=$2
            shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; die "unknown argument: $1" ;;
    esac
done
if [[ -n $PRINT_TOOL ]]; then
    ok=0
    for t in "${TOOLS[@]}"; do [[ $PRINT_TOOL == "$t" ]] && ok=1; done
    [[ $ok == 1 ]] || die "unknown tool '$PRINT_TOOL' (known: ${TOOLS[*]})"
fi

root_ok() { [[ -f $ROOT/.complete && -e $ROOT/$LOADER && -x $ROOT/$KMOD ]]; }

# The words of the command that runs the root's kmod as tool $1 in root $2.
command_words() {
    local tool=$1 dir=$2 libpath="" d
    for d in "${LIBDIRS[@]}"; do libpath+=${libpath:+:}$dir/$d; done
    WORDS=("$dir/$LOADER" --library-path "$libpath" --argv0 "$tool" "$dir/$KMOD")
}

# ------------------------------------------------------------------ mirror
# shellcheck source=scripts/debian-mirror.sh
. "$(dirname "$(readlink -f "$0")")/debian-mirror.sh"

# ------------------------------------------------------------------- build
TMP=""
cleanup() {
    # --one-file-system: never descend into a /proc or /sys debootstrap left mounted
    [[ -n $TMP && -d $TMP ]] && rm -rf --one-file-system -- "$TMP"
    return 0
}

build() {
    local mirror log version
    [[ $(id -u) == 0 ]] || die "building the kmod 34 root needs root (debootstrap); run scripts/kmod34.sh as root once"
    mkdir -p "$CACHE/logs"
    log=$CACHE/logs/kmod34.log
    if ! command -v debootstrap >/dev/null 2>&1 && [[ ! -x /usr/sbin/debootstrap ]]; then
        say "installing debootstrap"
        if ! apt-get install -y -q --no-install-recommends debootstrap >"$log" 2>&1; then
            apt-get update -q >>"$log" 2>&1 || true
            apt-get install -y -q --no-install-recommends debootstrap >>"$log" 2>&1 ||
                { tail -n 20 "$log" >&2; die "cannot install debootstrap (see $log)"; }
        fi
    fi
    export PATH=$PATH:/usr/sbin:/sbin
    mirror=${KMOD34_MIRROR:-$(host_mirror "$(host_codename)")}
    [[ -n $mirror ]] || die "no Debian mirror found in /etc/apt/sources.list{,.d}; set KMOD34_MIRROR"

    trap cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    rm -rf --one-file-system -- "$CACHE"/.tmp.kmod34.*
    TMP=$(mktemp -d "$CACHE/.tmp.kmod34.XXXXXX")
    chmod 755 "$TMP"
    say "debootstrap --variant=minbase --include=kmod $SUITE (one-time, about a minute)"
    if ! debootstrap --variant=minbase --include=kmod "$SUITE" "$TMP" "$mirror" >"$log" 2>&1; then
        tail -n 20 "$log" >&2
        die "debootstrap of $SUITE failed (see $log)"
    fi

    # The loader and kmod must resolve inside the new root: an absolute symlink would
    # point at the host, and would break again once the root is renamed.
    local p real
    for p in "$LOADER" "$KMOD"; do
        real=$(readlink -f -- "$TMP/$p") || die "$p missing in the $SUITE root"
        [[ $real == "$TMP"/* && -f $real ]] || die "$p does not resolve inside the root ($real)"
    done
    command_words kmod "$TMP"
    version=$("${WORDS[@]}" --version 2>&1) || die "the $SUITE kmod does not run: $version"
    version=${version%%$'\n'*}
    [[ $version == "kmod version 34"* ]] || die "expected kmod 34 in $SUITE, got: $version"

    printf '%s\n' "$version" >"$TMP/.complete"
    if [[ -e $ROOT ]]; then
        local old=$CACHE/.old.kmod34.$$
        mv -- "$ROOT" "$old"
        rm -rf --one-file-system -- "$old"
    fi
    mv -- "$TMP" "$ROOT"
    TMP=""
    say "$version ready in $ROOT"
}

if ! root_ok; then
    mkdir -p "$CACHE"
    # one build at a time per cache; a second run waits, then finds the root ready
    exec 9>"$CACHE/.kmod34.lock"
    flock 9
    root_ok || build
    exec 9>&-
fi

if [[ -n $PRINT_TOOL ]]; then
    command_words "$PRINT_TOOL" "$ROOT"
    printf -v line '%q ' "${WORDS[@]}"
    printf '%s\n' "${line% }"
fi
