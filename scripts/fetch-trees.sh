#!/usr/bin/env bash
# fetch-trees.sh - download and unpack real Debian kernel module trees (bookworm's,
# and one per other kernel generation) for modstack's conformance tests, cached
# between runs.
#
# Usage: scripts/fetch-trees.sh [-f|--force] [TREE...]
#        scripts/fetch-trees.sh --resolve-latest
#   TREE is any of: amd64 amd64-xz amd64-zst armhf s390x amd64-5.10 amd64-6.12
#   amd64-7.2 (default: all).
#   -f/--force  refresh the package lists and rebuild the named trees even if
#               they are complete (cached .deb files are reused when their
#               SHA-256 is the recorded one).
#   --resolve-latest  print, as lock lines, what each tree's metapackage names
#               now (fresh lists; nothing downloaded): scripts/repin's new pin
#
# The pin. The trees are built from the exact packages listed in
# scripts/debian-packages.lock (tree, package, version, arch, SHA-256 of the
# .deb): the packages the suite's expectations were recorded on (the embedded
# kernel in src/main/resources/org/modstack/kernel/embedded-kernel/ and the
# real-kernel oracles in scripts/qemu/scenarios/). The metapackages
# (linux-image-amd64, -armmp, -s390x) are NOT followed: Debian moves them to
# each new ABI, and the expectations would no longer hold. Each package is
# downloaded by name=version (apt-get download) with the private lists below.
#
# The checksum. Every .deb, downloaded or taken from the cache, must have the
# SHA-256 the lock records. A cached file that does not is downloaded again;
# when the archive's index or the download disagrees with the lock, the run
# stops with one line:
#   fetch-trees: ERROR: <package> <version> (<arch>): sha256 <got> differs from
#   the recorded <want>; the suite's expectations were recorded on the recorded package
# A cached tree is reused only when its .packages equals its lock lines; any
# other tree (e.g. one built before the pin, from whatever the metapackage
# named then) is rebuilt.
#
# The fallback. Debian removes superseded security uploads, so a pinned
# version eventually leaves the archive (snapshot.debian.org is not used).
# When a pinned package is in neither the cache nor the archive's freshly
# updated index, the tree is built from what the tree's metapackage resolves
# to instead (the newest ABI of the same series; never an older version), a
# banner says so on stderr, and the tree gets a .fallback file naming the
# pinned and the used packages. scripts/test then runs `scripts/repin
# --from-trees`, which rewrites the lock and regenerates, in the checkout, what
# depends on the exact ABI (the embedded kernel's resources and the scenario
# oracles, on the real kernel under qemu) from the new packages: the suite
# still runs every test, against real artifacts, and the diff is there to be
# committed. A maintainer moves the pin on purpose with scripts/repin.
#
# The generations. amd64-5.10, amd64-6.12 and amd64-7.2 are Debian's amd64
# kernels of bullseye, trixie and forky, each fetched with private apt lists
# of its own suite (sources made from the mirror this machine's apt uses,
# scripts/debian-mirror.sh). A merged-/usr package (trixie, forky) gets the
# `lib -> usr/lib` link an installed system has, so that kmod 30 (no -m) reads
# the tree too. 7.x splits the image: linux-image-<abi> is a metapackage over
# linux-binary- (the vmlinuz), linux-modules- and linux-base- (config,
# System.map, modules.builtin*, modules.order), all unpacked. These trees are
# depmod'ed with kmod 34 (scripts/kmod34.sh), the others with the system's.
#
# Environment:
#   MODSTACK_CACHE            cache root (below)
#   MODSTACK_PACKAGES_LOCK    another lock file (default scripts/debian-packages.lock)
#   MODSTACK_PRETEND_ABSENT   TEST ONLY: space-separated package=version (or package)
#                             words treated as gone from the archive and the cache,
#                             to exercise the fallback; the banner and .fallback say
#                             it was simulated. Never set in CI.
#
# Cache root: ${MODSTACK_CACHE:-$HOME/.cache/modstack}
#   debs/                    downloaded .deb files (kept; verified before use)
#   apt/<arch>/              private apt state (lists, pkgcache) per arch; the
#                            system's dpkg/apt configuration is never changed
#                            (no dpkg --add-architecture), only its sources
#                            are read
#   apt/<arch>-<suite>/      the same for another suite, with its own
#                            sources.list
#   logs/<tree>.log          depmod / compression output of the last build
#   trees/amd64/             unpacked linux-image-<abi>-amd64 (signed, plain
#                            .ko with PKCS#7 trailer) + Module.symvers from
#                            linux-headers-<abi>-amd64, depmod'ed
#   trees/amd64-xz/          copy of amd64, every .ko -> .ko.xz, depmod'ed
#   trees/amd64-zst/         copy of amd64, every .ko -> .ko.zst, depmod'ed
#   trees/armhf/             linux-image-<abi>-armmp (ELF32 LE), depmod'ed
#   trees/s390x/             linux-image-<abi>-s390x (ELF64 BE), depmod'ed
#   trees/amd64-5.10/        bullseye's image + Module.symvers, depmod'ed
#   trees/amd64-6.12/        trixie's (usr/lib/modules, .ko.xz), the same
#   trees/amd64-7.2/         forky's binary + modules + base, the same
#   trees/<tree>/VERSION     kernel version (the dir name under lib/modules)
#   trees/<tree>/VMLINUZ     where the kernel is, relative to the tree (e.g.
#                            boot/vmlinuz-<version>; usr/lib/modules/<version>/
#                            vmlinuz on 7.x): what a qemu boot uses
#   trees/<tree>/CONFIG      where the kernel's config is, the same way
#   trees/<tree>/.packages   the packages it was built from, one a line:
#                            <package> <version> <arch> <sha256>
#   trees/<tree>/.fallback   only after a fallback: pinned vs used packages
#   trees/<tree>/.complete   stamp, the last file written before the tree is
#                            renamed into place; a tree without it is rebuilt
#
# Bookworm has no 32-bit big-endian architecture (its release lists
# amd64 arm64 armel armhf i386 mips64el mipsel ppc64el s390x; mips and
# powerpc BE were dropped), so there is no ELF32 MSB tree.
#
# A warm cache needs no network: complete trees are only checked and listed.
# Output (stdout), one line per requested tree:
#   <name> <kernel version> <module count> <path>
# and on stderr each tree's packages (name, version, arch, sha256).
set -euo pipefail
umask 022
export LC_ALL=C DEBIAN_FRONTEND=noninteractive

ALL_TREES=(amd64 amd64-xz amd64-zst armhf s390x amd64-5.10 amd64-6.12 amd64-7.2)
BASE_TREES=(amd64 armhf s390x amd64-5.10 amd64-6.12 amd64-7.2)
declare -A TREE_ARCH=([amd64]=amd64 [armhf]=armhf [s390x]=s390x
    [amd64-5.10]=amd64 [amd64-6.12]=amd64 [amd64-7.2]=amd64)
declare -A TREE_META=([amd64]=linux-image-amd64 [armhf]=linux-image-armmp [s390x]=linux-image-s390x
    [amd64-5.10]=linux-image-amd64 [amd64-6.12]=linux-image-amd64 [amd64-7.2]=linux-image-amd64)
# the suite of a tree that is not from this machine's own release
declare -A TREE_SUITE=([amd64-5.10]=bullseye [amd64-6.12]=trixie [amd64-7.2]=forky)
# a suite's dists (a -security one comes from the security archive's mirror)
declare -A SUITE_DISTS=([bullseye]="bullseye bullseye-security"
    [trixie]="trixie trixie-security" [forky]=forky)
# testing's Release file is not renewed while nothing migrates: it was seen expired
declare -A SUITE_NO_VALID_UNTIL=([forky]=1)
SCRIPTS=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
# shellcheck source=scripts/debian-mirror.sh
. "$SCRIPTS/debian-mirror.sh"
LOCK=${MODSTACK_PACKAGES_LOCK:-$SCRIPTS/debian-packages.lock}
PRETEND_ABSENT=${MODSTACK_PRETEND_ABSENT:-}
CACHE=${MODSTACK_CACHE:-${HOME:?set HOME or MODSTACK_CACHE}/.cache/modstack}
TREES=$CACHE/trees
DEBS=$CACHE/debs
LOGS=$CACHE/logs
JOBS=$(nproc 2>/dev/null || echo 2)

log() { printf '[fetch-trees %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { printf 'fetch-trees: ERROR: %s\n' "$*" >&2; exit 1; }

usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; }

FORCE=0
RESOLVE_LATEST=0
REQ=()
for a in "$@"; do
    case $a in
        -f|--force) FORCE=1 ;;
        --resolve-latest) RESOLVE_LATEST=1 ;;
        -h|--help) usage; exit 0 ;;
        -*) usage >&2; die "unknown option: $a" ;;
        *)
            ok=0
            for t in "${ALL_TREES[@]}"; do [[ $a == "$t" ]] && ok=1; done
            [[ $ok == 1 ]] || die "unknown tree '$a' (known: ${ALL_TREES[*]})"
            REQ+=("$a") ;;
    esac
done
[[ ${#REQ[@]} -gt 0 ]] || REQ=("${ALL_TREES[@]}")

# ------------------------------------------------------------------- the lock
# PINNED[tree]: its lock lines without the tree column ("pkg ver arch sha256"),
# in the lock's order, image first, newline-separated; this is also what the
# tree's .packages holds.
declare -A PINNED=()
read_lock() {
    local tree pkg ver arch sha extra n=0 t
    [[ -r $LOCK ]] || die "no lock file $LOCK"
    declare -A rows=()
    while read -r tree pkg ver arch sha extra; do
        n=$((n + 1))
        [[ -z $tree || $tree == \#* ]] && continue
        [[ -n ${TREE_ARCH[$tree]:-} ]] || die "$LOCK:$n: unknown tree '$tree' (known: ${BASE_TREES[*]})"
        [[ -n $sha && -z $extra ]] || die "$LOCK:$n: expected 5 columns: tree package version arch sha256"
        [[ $arch == "${TREE_ARCH[$tree]}" ]] || die "$LOCK:$n: tree $tree is ${TREE_ARCH[$tree]}, not $arch"
        [[ $sha =~ ^[0-9a-f]{64}$ ]] || die "$LOCK:$n: '$sha' is not a SHA-256 (64 lower-case hex digits)"
        case $pkg in
            linux-image-*) [[ -z ${rows[$tree]:-} ]] || die "$LOCK:$n: a second image for $tree, or not its first line" ;;
            linux-headers-*|linux-binary-*|linux-modules-*|linux-base-*)
                [[ -n ${rows[$tree]:-} ]] || die "$LOCK:$n: $tree's lines start with its linux-image package"
                ! grep -q "^${pkg%%-[0-9]*}-" <<<"${rows[$tree]}" ||
                    die "$LOCK:$n: a second ${pkg%%-[0-9]*} package for $tree" ;;
            *) die "$LOCK:$n: '$pkg' is none of linux-image-, -headers-, -binary-, -modules-, -base-" ;;
        esac
        rows[$tree]+=${rows[$tree]:+$'\n'}"$pkg $ver $arch $sha"
    done <"$LOCK"
    for t in "${BASE_TREES[@]}"; do
        [[ -n ${rows[$t]:-} ]] || die "$LOCK: no linux-image package for tree $t"
        [[ ${TREE_ARCH[$t]} != amd64 ]] || grep -q '^linux-headers-' <<<"${rows[$t]}" ||
            die "$LOCK: no linux-headers package for tree $t (its Module.symvers)"
        PINNED[$t]=${rows[$t]}
    done
}
read_lock

mkdir -p "$TREES" "$DEBS" "$LOGS" "$CACHE/apt"

# One run at a time per cache (a second run waits, then finds warm trees).
exec 9>"$CACHE/.lock"
if ! flock -n 9; then
    log "waiting for another fetch-trees run on $CACHE ..."
    flock 9
fi

CUR_TMP=""
BG=""
cleanup() {
    if [[ -n $BG ]]; then  # an interrupted long step: stop its whole group
        kill -TERM -- "-$BG" 2>/dev/null || kill -TERM "$BG" 2>/dev/null || true
        wait "$BG" 2>/dev/null || true
    fi
    [[ -n $CUR_TMP && -d $CUR_TMP ]] && rm -rf -- "$CUR_TMP"
    rm -rf -- "$DEBS/.partial"
    return 0
}
# Run a long step in its own process group and wait for it, so that a
# SIGTERM/SIGINT sent to this script alone stops it at once (bash defers
# traps while a foreground child runs).
bg_wait() {
    local rc=0
    setsid -w "$@" &
    BG=$!
    wait "$BG" || rc=$?
    BG=""
    return "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- host tools
ensure_tools() {
    local missing=() p
    for p in kmod xz-utils zstd; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' \
            || missing+=("$p")
    done
    [[ ${#missing[@]} -eq 0 ]] && return 0
    log "installing ${missing[*]}"
    if ! apt-get install -y -q --no-install-recommends "${missing[@]}" >&2; then
        log "install failed; running apt-get update and retrying"
        apt-get update -q >&2 || true
        apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
    fi
}

# ------------------------------------------------ private apt per arch/suite
# Each arch has its own lists so that one broken index (e.g. a mirror serving
# a stale bookworm-security Packages file for one arch) cannot roll back the
# indexes of the others; so has each other suite, with its own sources. A
# channel names one: the arch (this machine's sources) or <arch>-<suite>.
channel_of() { printf '%s\n' "${TREE_ARCH[$1]}${TREE_SUITE[$1]:+-${TREE_SUITE[$1]}}"; }

APT_OPTS=()
apt_setup() {  # CHANNEL: sets APT_OPTS
    local arch=${1%%-*} suite="" d=$CACHE/apt/$1
    [[ $1 == *-* ]] && suite=${1#*-}
    mkdir -p "$d/lists/partial" "$d/cache/archives/partial"
    [[ -e $d/status ]] || : >"$d/status"
    APT_OPTS=(
        -o "APT::Architecture=$arch" -o "APT::Architectures::=$arch"
        -o "Dir::State::Lists=$d/lists" -o "Dir::Cache=$d/cache"
        -o "Dir::State::status=$d/status" -o "APT::Sandbox::User=root"
        -o "Acquire::Languages=none" -o "Acquire::Retries=3"
    )
    [[ -n $suite ]] || return 0
    mkdir -p "$d/sources.list.d"
    APT_OPTS+=(-o "Dir::Etc::SourceList=$d/sources.list" -o "Dir::Etc::SourceParts=$d/sources.list.d")
    [[ -z ${SUITE_NO_VALID_UNTIL[$suite]:-} ]] || APT_OPTS+=(-o "Acquire::Check-Valid-Until=false")
}

# suite_sources SUITE: a sources.list for SUITE on the mirrors this machine's apt uses
suite_sources() {
    local codename dist main="" sec=""
    codename=$(host_codename) || die "cannot tell this machine's Debian release"
    for dist in ${SUITE_DISTS[$1]}; do
        if [[ $dist == *-security ]]; then
            sec=${sec:-$(host_mirror "$codename-security")}
            [[ -n $sec ]] || die "no $codename-security source in /etc/apt/sources.list{,.d} to take $dist from"
            printf 'deb %s %s main\n' "$sec" "$dist"
        else
            main=${main:-$(host_mirror "$codename")}
            [[ -n $main ]] || die "no $codename source in /etc/apt/sources.list{,.d} to take $dist from"
            printf 'deb %s %s main\n' "$main" "$dist"
        fi
    done
}

declare -A UPDATED=()
apt_update() {
    local ch=$1 try
    apt_setup "$ch"
    UPDATED[$ch]=1
    [[ $ch != *-* ]] || suite_sources "${ch#*-}" >"$CACHE/apt/$ch/sources.list"
    for try in 1 2; do
        log "apt-get update ($ch, private lists, attempt $try)"
        if apt-get "${APT_OPTS[@]}" -q update >"$LOGS/apt-update-$ch.log" 2>&1; then
            return 0
        fi
        grep -E '^(E|W|Err):' "$LOGS/apt-update-$ch.log" | sed 's/^/    /' >&2 || true
        [[ $try == 1 ]] && sleep 3
    done
    log "apt-get update ($ch) reported errors; continuing with the indexes it did get"
    return 0
}
# the lists once per run, when first needed (-f: always fresh)
apt_fresh() { [[ -n ${UPDATED[$1]:-} ]] || apt_update "$1"; }

pretended_absent() {  # PKG VER: named by MODSTACK_PRETEND_ABSENT?
    local w
    for w in $PRETEND_ABSENT; do
        [[ $w == "$1=$2" || $w == "$1" ]] && return 0
    done
    return 1
}

# index_sha PKG VER CHANNEL: the SHA256 the archive's Packages index gives
# PKG=VER, or nothing when the index does not have it
index_sha() {
    local pkg=$1 ver=$2 ch=$3
    pretended_absent "$pkg" "$ver" && return 0
    apt_setup "$ch"
    apt-cache "${APT_OPTS[@]}" show "$pkg=$ver" 2>/dev/null |
        awk '$1 == "SHA256:" { print $2; exit }' || true
}

sha_mismatch() {  # PKG VER ARCH GOT WANT [WHERE]: the one line, and stop
    die "$1 $2 ($3): sha256 $4${6:+ ($6)} differs from the recorded $5; the suite's expectations were recorded on the recorded package"
}

# fetch_verified PKG VER ARCH SHA CHANNEL -> sets R_DEB (a cached .deb whose
# SHA-256 is SHA). Returns 3 when PKG=VER is in neither the cache nor the archive's
# (freshly updated) index; stops the run on a checksum mismatch.
fetch_verified() {
    local pkg=$1 ver=$2 arch=$3 want=$4 ch=$5 f got idx part try
    f=$DEBS/${pkg}_${ver//:/%3a}_${arch}.deb
    R_DEB=$f
    if pretended_absent "$pkg" "$ver"; then
        log "$pkg $ver ($arch): treated as gone from the cache and the archive (MODSTACK_PRETEND_ABSENT)"
        return 3
    fi
    if [[ -f $f ]]; then
        got=$(sha256sum <"$f" | cut -d' ' -f1)
        [[ $got == "$want" ]] && return 0
        log "$pkg $ver ($arch): the cached $(basename "$f") has sha256 $got, not the recorded $want; fetching it again"
    fi
    idx=$(index_sha "$pkg" "$ver" "$ch")
    if [[ -z $idx && -z ${UPDATED[$ch]:-} ]]; then
        apt_update "$ch"
        idx=$(index_sha "$pkg" "$ver" "$ch")
    fi
    [[ -n $idx ]] || return 3
    [[ $idx == "$want" ]] || sha_mismatch "$pkg" "$ver" "$arch" "$idx" "$want" "the archive's index"
    part=$DEBS/.partial
    apt_setup "$ch"   # index_sha ran in a subshell: APT_OPTS is set here
    for try in 1 2; do
        rm -rf -- "$part"; mkdir -p "$part"
        log "downloading $pkg=$ver ($arch)"
        if (cd "$part" && apt-get "${APT_OPTS[@]}" -q download "$pkg=$ver" >&2); then
            local dl
            dl=$(find "$part" -maxdepth 1 -name "${pkg}_*.deb" | head -n1)
            [[ -n $dl ]] || die "apt-get download left no .deb for $pkg=$ver"
            got=$(sha256sum <"$dl" | cut -d' ' -f1)
            [[ $got == "$want" ]] || sha_mismatch "$pkg" "$ver" "$arch" "$got" "$want" "downloaded"
            mv -f -- "$dl" "$f" || die "cannot move $dl to $f"
            rm -rf -- "$part"
            return 0
        fi
        [[ $try == 2 ]] && break
        # stale lists (the version left the pool since they were fetched): refresh
        apt_update "$ch"
        idx=$(index_sha "$pkg" "$ver" "$ch")
        if [[ -z $idx ]]; then rm -rf -- "$part"; return 3; fi
        apt_setup "$ch"
    done
    rm -rf -- "$part"
    die "download of $pkg=$ver ($arch) failed (it is in the archive's index; network?)"
}

# resolve META CHANNEL -> sets R_PKG R_VER (binary package the metapackage
# depends on, and its candidate version)
resolve() {
    local meta=$1 ch=$2
    apt_setup "$ch"
    R_PKG=$(apt-cache "${APT_OPTS[@]}" depends --important "$meta" 2>/dev/null |
        awk '$1 == "Depends:" && $2 ~ /^linux-image-/ { sub(/:.*/, "", $2); print $2; exit }') || true
    R_VER=""
    [[ -n $R_PKG ]] || return 1
    R_VER=$(apt-cache "${APT_OPTS[@]}" policy "$R_PKG" 2>/dev/null |
        awk '$1 == "Candidate:" { print $2; exit }') || true
    [[ -n $R_VER && $R_VER != "(none)" ]]
}

# -------------------------------------------------------------- tree helpers
tree_ok() { [[ -f $TREES/$1/.complete && -s $TREES/$1/VERSION ]]; }
packages_of() { [[ -f $TREES/$1/.packages ]] && cat -- "$TREES/$1/.packages"; return 0; }
fallback_rows() {  # TREE WORD: the "pinned" or "used" lines of its .fallback, without the word
    [[ -f $TREES/$1/.fallback ]] || return 0
    awk -v w="$2" '$1 == w { sub(/^[^ ]+ /, ""); print }' "$TREES/$1/.fallback"
}

# A base tree is current when built from exactly its lock lines; it is a
# current fallback when its .fallback says it stands in for exactly those.
base_current() { tree_ok "$1" && [[ $(packages_of "$1") == "${PINNED[$1]}" ]]; }
base_fallback_current() {
    tree_ok "$1" && [[ -f $TREES/$1/.fallback ]] &&
        [[ $(fallback_rows "$1" pinned) == "${PINNED[$1]}" ]] &&
        [[ $(packages_of "$1") == "$(fallback_rows "$1" used)" ]]
}
base_usable() { base_current "$1" || base_fallback_current "$1"; }
# a derived tree (amd64-xz, amd64-zst) is current when made from the amd64 tree there is now
derived_current() {
    tree_ok "$1" && base_usable amd64 && [[ $(packages_of "$1") == "$(packages_of amd64)" ]]
}
tree_usable() {
    case $1 in amd64-xz|amd64-zst) derived_current "$1" ;; *) base_usable "$1" ;; esac
}

new_tmp() {
    # leftovers of interrupted runs (we hold the lock, so none is live)
    rm -rf -- "$TREES"/.tmp."$1".* "$TREES"/.old."$1".*
    CUR_TMP=$(mktemp -d "$TREES/.tmp.$1.XXXXXX")
    chmod 755 "$CUR_TMP"
}

# finish NAME KVER: stamp and atomically move $CUR_TMP to $TREES/NAME
finish() {
    local name=$1 kver=$2 old=""
    printf '%s\n' "$kver" >"$CUR_TMP/VERSION"
    date -u +%FT%TZ >"$CUR_TMP/.complete"
    if [[ -e $TREES/$name ]]; then
        old=$TREES/.old.$name.$$
        mv -- "$TREES/$name" "$old"
    fi
    mv -- "$CUR_TMP" "$TREES/$name"
    CUR_TMP=""
    [[ -n $old ]] && rm -rf -- "$old"
    return 0
}

only_kver() {  # the single dir under $1/lib/modules
    local d=("$1"/lib/modules/*/)
    [[ ${#d[@]} -eq 1 && -d ${d[0]} ]] || die "expected exactly one kernel under $1/lib/modules"
    basename "${d[0]}"
}

count_modules() {
    find "$1" -type f \( -name '*.ko' -o -name '*.ko.xz' -o -name '*.ko.zst' -o -name '*.ko.gz' \) | wc -l
}

unpack_deb() {  # DEB DIR; a corrupt cached .deb is dropped so a rerun refetches
    if ! dpkg-deb -x "$1" "$2"; then
        rm -f -- "$1"
        die "cannot unpack $1 (removed it; run again to re-download)"
    fi
}

DEPMOD34=()
run_depmod() {  # DIR KVER NAME: with kmod 34 for another suite's tree
    local -a depmod=(depmod)
    if [[ -n ${TREE_SUITE[$3]:-} ]]; then
        [[ ${#DEPMOD34[@]} -gt 0 ]] || eval "DEPMOD34=($("$SCRIPTS/kmod34.sh" --print-command depmod))" ||
            die "$3: kmod 34 is not usable (scripts/kmod34.sh)"
        depmod=("${DEPMOD34[@]}")
    fi
    log "$3: depmod -b ... $2 ($("${depmod[@]}" --version | head -n1))"
    if ! "${depmod[@]}" -b "$1" "$2" >>"$LOGS/$3.log" 2>&1; then
        tail -n 20 "$LOGS/$3.log" >&2
        die "$3: depmod failed (see $LOGS/$3.log)"
    fi
    [[ -s $1/lib/modules/$2/modules.dep ]] || die "$3: depmod wrote no modules.dep"
    if [[ -s $LOGS/$3.log ]]; then
        log "$3: depmod printed $(wc -l <"$LOGS/$3.log") line(s), see $LOGS/$3.log"
    fi
}

banner() {  # LINE...: a block on stderr nobody scrolling a CI log can miss
    local bar='!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!'
    local l
    {
        printf '\n%s\n' "$bar"
        for l in "$@"; do printf '!! %s\n' "$l"; done
        printf '%s\n\n' "$bar"
    } >&2
}

words() { awk '{ printf "%s%s %s", (NR > 1 ? ", " : ""), $1, $2 }' <<<"$1"; }  # ROWS -> "pkg ver, pkg ver"

# build_from_rows NAME ROWS [FALLBACK]: unpack the verified cached .debs ROWS
# names (the image and, on 7.x, its binary, modules and base; of the headers
# only Module.symvers), link lib -> usr/lib for merged /usr, depmod, stamp
build_from_rows() {
    local name=$1 rows=$2 fb=${3:-} kver md f pkg ver arch deb img_pkg hdr_deb="" hdr_pkg=""
    : >"$LOGS/$name.log"
    new_tmp "$name"
    while read -r pkg ver arch _; do
        deb=$DEBS/${pkg}_${ver//:/%3a}_${arch}.deb
        case $pkg in
            linux-headers-*) hdr_deb=$deb hdr_pkg=$pkg ;;
            *) log "$name: unpacking $(basename "$deb")"
               unpack_deb "$deb" "$CUR_TMP" ;;
        esac
    done <<<"$rows"
    # merged /usr: an installed system has the link, and kmod 30 (no -m) needs it
    [[ -e $CUR_TMP/lib || ! -d $CUR_TMP/usr/lib/modules ]] || ln -s usr/lib "$CUR_TMP/lib"
    kver=$(only_kver "$CUR_TMP")
    img_pkg=$(sed -n '1s/ .*//p' <<<"$rows")
    [[ $img_pkg == "linux-image-$kver" ]] || log "$name: note: package $img_pkg ships $kver"
    md=$CUR_TMP/lib/modules/$kver
    for f in modules.order modules.builtin modules.builtin.modinfo; do
        [[ -s $md/$f ]] || die "$name: package lacks lib/modules/$kver/$f"
    done
    where_is "$name" "$kver" vmlinuz System.map config >/dev/null
    where_is "$name" "$kver" vmlinuz >"$CUR_TMP/VMLINUZ"
    where_is "$name" "$kver" config >"$CUR_TMP/CONFIG"
    if [[ -n $hdr_pkg ]]; then
        [[ $hdr_pkg == "linux-headers-$kver" ]] ||
            die "$name: the headers $hdr_pkg do not belong to $img_pkg (kernel $kver)"
        log "$name: extracting Module.symvers from $(basename "$hdr_deb")"
        dpkg-deb --fsys-tarfile "$hdr_deb" |
            tar -xO -f - "./usr/src/linux-headers-$kver/Module.symvers" >"$CUR_TMP/Module.symvers" ||
            die "$name: no Module.symvers in $hdr_deb"
        [[ -s $CUR_TMP/Module.symvers ]] || die "$name: empty Module.symvers"
    fi
    printf '%s\n' "$rows" >"$CUR_TMP/.packages"
    [[ -z $fb ]] || printf '%s\n' "$fb" >"$CUR_TMP/.fallback"
    run_depmod "$CUR_TMP" "$kver" "$name"
    finish "$name" "$kver"
}

# where_is NAME KVER FILE...: each FILE's path in $CUR_TMP, one a line: in
# boot/ (FILE-KVER) or, since 7.x's packaging, in usr/lib/modules/KVER/
where_is() {
    local name=$1 kver=$2 f p; shift 2
    for f in "$@"; do
        for p in "boot/$f-$kver" "usr/lib/modules/$kver/$f" "lib/modules/$kver/$f" ""; do
            [[ -z $p || ( -s $CUR_TMP/$p && ! -L $CUR_TMP/$p ) ]] && break
        done
        [[ -n $p ]] || die "$name: the packages lack boot/$f-$kver (or lib/modules/$kver/$f)"
        printf '%s\n' "$p"
    done
}

# build_base NAME: from its pinned packages, or, when one of them left the
# archive, from what its metapackage names now (build_fallback)
build_base() {
    local name=$1 ch row pkg ver a sha missing=() rc
    local -a rows
    ch=$(channel_of "$name")
    [[ $FORCE == 1 ]] && apt_fresh "$ch"
    mapfile -t rows <<<"${PINNED[$name]}"
    for row in "${rows[@]}"; do
        read -r pkg ver a sha <<<"$row"
        rc=0
        fetch_verified "$pkg" "$ver" "$a" "$sha" "$ch" || rc=$?
        case $rc in
            0) ;;
            3) missing+=("$pkg=$ver") ;;
            *) die "$name: cannot fetch $pkg=$ver" ;;
        esac
    done
    if [[ ${#missing[@]} -gt 0 ]]; then
        build_fallback "$name" "${missing[@]}"
    else
        build_from_rows "$name" "${PINNED[$name]}"
    fi
}

# resolve_rows NAME -> sets R_PKG R_VER R_ROWS: what NAME's metapackage names
# now, as lock lines without the tree: its image, and each other package the
# lock pins for NAME (headers; 7.x's binary, modules, base) of that image's
# ABI and version
resolve_rows() {
    local name=$1 ch pin_abi abi pkg idx
    ch=$(channel_of "$name")
    resolve "${TREE_META[$name]}" "$ch" || return 1
    pin_abi=$(sed -n '1{s/ .*//;s/^linux-image-//;p}' <<<"${PINNED[$name]}")
    abi=${R_PKG#linux-image-}
    R_ROWS=""
    while read -r pkg _; do
        pkg=${pkg%"$pin_abi"}$abi
        idx=$(index_sha "$pkg" "$R_VER" "$ch")
        [[ -n $idx ]] || die "$name: ${TREE_META[$name]} names $R_PKG $R_VER, but the index does not list $pkg $R_VER"
        R_ROWS+=${R_ROWS:+$'\n'}"$pkg $R_VER ${TREE_ARCH[$name]} $idx"
    done <<<"${PINNED[$name]}"
}

FELL_BACK=()
build_fallback() {
    local name=$1; shift
    local ch meta=${TREE_META[$name]} missing="$*" why="" w
    local pin_pkg pin_ver used="" pkg ver a sha fb rc
    ch=$(channel_of "$name")
    read -r pin_pkg pin_ver _ <<<"$(sed -n 1p <<<"${PINNED[$name]}")"
    for w in "$@"; do
        pretended_absent "${w%%=*}" "${w#*=}" && why=" (SIMULATED: MODSTACK_PRETEND_ABSENT=\"$PRETEND_ABSENT\")"
    done
    log "$name: $missing: in neither the cache nor the archive's index$why; falling back to what $meta names"
    apt_fresh "$ch"
    resolve "$meta" "$ch" ||
        die "$name: the pinned $missing left the archive, and $meta ($ch) does not resolve either"
    if [[ $R_PKG == "$pin_pkg" && $R_VER == "$pin_ver" ]]; then
        die "$name: $meta names the pinned $pin_pkg $pin_ver itself, which cannot be fetched; no fallback"
    fi
    dpkg --compare-versions "$R_VER" gt "$pin_ver" ||
        die "$name: the pinned $missing is not in the archive's index, and $meta names an older $R_PKG $R_VER: an index is probably missing (see $LOGS/apt-update-$ch.log); not falling back to an older kernel"
    resolve_rows "$name"
    used=$R_ROWS
    while read -r pkg ver a sha; do
        rc=0
        fetch_verified "$pkg" "$ver" "$a" "$sha" "$ch" </dev/null || rc=$?
        [[ $rc == 0 ]] || die "$name: the fallback $pkg=$ver cannot be fetched either"
    done <<<"$used"
    fb="# trees/$name was NOT built from what $(basename "$LOCK") pins: those packages left the archive
reason $missing not in the archive's index$why
$(sed 's/^/pinned /' <<<"${PINNED[$name]}")
$(sed 's/^/used /' <<<"$used")
meta $meta
date $(date -u +%FT%TZ)"
    banner "fetch-trees: FALLBACK for the $name tree$why" \
        "pinned ($LOCK):" "    $(words "${PINNED[$name]}")" \
        "not in the archive any more: $missing" \
        "using instead (what $meta resolves to now, the newest ABI of the series):" "    $(words "$used")" \
        "The suite's expectations were recorded on the pinned packages. scripts/test now runs" \
        "scripts/repin --from-trees: it rewrites the lock and regenerates the embedded kernel and" \
        "the qemu oracles from these packages, in the checkout; commit that diff." \
        "Recorded in $TREES/$name/.fallback"
    build_from_rows "$name" "$used" "$fb"
    FELL_BACK+=("$name")
}

# build_compressed NAME EXT: copy trees/amd64, recompress every .ko
build_compressed() {
    local name=$1 ext=$2 src=$TREES/amd64 kver n left
    base_usable amd64 || die "$name needs the amd64 tree"
    kver=$(<"$src/VERSION")
    : >"$LOGS/$name.log"
    new_tmp "$name"
    rmdir -- "$CUR_TMP"
    cp -a -- "$src" "$CUR_TMP"   # .packages (and .fallback) come along
    rm -f -- "$CUR_TMP/.complete" "$CUR_TMP/VERSION"
    n=$(find "$CUR_TMP/lib/modules/$kver" -type f -name '*.ko' | wc -l)
    log "$name: compressing $n modules to .ko.$ext with $JOBS jobs"
    # Same commands as the kernel's scripts/Makefile.modinst (cmd_xz, cmd_zstd):
    # in place, original removed, mtime kept.
    local cmd
    case $ext in
        xz)  cmd='xz --check=crc32 --lzma2=dict=1MiB -f -- "$@"' ;;
        zst) cmd='zstd -T0 --rm -f -q -- "$@"' ;;
        *) die "bad extension $ext" ;;
    esac
    # shellcheck disable=SC2016
    if ! bg_wait sh -c 'find "$1" -type f -name "*.ko" -print0 |
            xargs -0 -r -P "$2" -n 32 sh -c "$3" sh' \
            sh "$CUR_TMP/lib/modules/$kver" "$JOBS" "$cmd" 2>>"$LOGS/$name.log"; then
        tail -n 20 "$LOGS/$name.log" >&2
        die "$name: compression failed"
    fi
    left=$(find "$CUR_TMP/lib/modules/$kver" -type f -name '*.ko' | wc -l)
    [[ $left -eq 0 ]] || die "$name: $left .ko files left uncompressed"
    n=$(find "$CUR_TMP/lib/modules/$kver" -type f -name "*.ko.$ext" | wc -l)
    log "$name: $n .ko.$ext files"
    run_depmod "$CUR_TMP" "$kver" "$name"
    finish "$name" "$kver"
}

build_tree() {
    local t0=$SECONDS
    case $1 in
        amd64-xz)  build_compressed amd64-xz xz ;;
        amd64-zst) build_compressed amd64-zst zst ;;
        *) build_base "$1" ;;
    esac
    log "$1: built in $((SECONDS - t0))s"
}

# ---------------------------------------------------------------------- main
if [[ $RESOLVE_LATEST == 1 ]]; then
    for t in "${BASE_TREES[@]}"; do
        ch=$(channel_of "$t") meta=${TREE_META[$t]}
        apt_update "$ch"
        resolve "$meta" "$ch" || die "$meta ($ch) does not resolve"
        read -r pin_pkg pin_ver _ <<<"$(sed -n 1p <<<"${PINNED[$t]}")"
        dpkg --compare-versions "$R_VER" ge "$pin_ver" ||
            die "$t: $meta names $R_PKG $R_VER, older than the pinned $pin_pkg $pin_ver: an index is probably missing (see $LOGS/apt-update-$ch.log)"
        resolve_rows "$t"
        log "$meta ($ch) -> $R_PKG $R_VER"
        sed "s/^/$t /" <<<"$R_ROWS"
    done
    exit 0
fi

ensure_tools

declare -A WANT=()
for t in "${REQ[@]}"; do WANT[$t]=1; done
# compressed trees derive from amd64; build it first when needed
if [[ -n ${WANT[amd64-xz]:-}${WANT[amd64-zst]:-} ]] && ! base_usable amd64; then
    WANT[amd64]=1
fi
for t in "${ALL_TREES[@]}"; do
    [[ -n ${WANT[$t]:-} ]] || continue
    if [[ $FORCE == 1 ]] || ! tree_usable "$t"; then
        if [[ -e $TREES/$t ]]; then
            if ! tree_ok "$t"; then
                log "$t: incomplete tree found, rebuilding"
            elif [[ $FORCE != 1 ]]; then
                log "$t: the cached tree's .packages ($(words "$(packages_of "$t")")) is not what $(basename "$LOCK") pins for it (package, version, arch, SHA-256); rebuilding"
            fi
        fi
        build_tree "$t"
    fi
done

fallbacks=()
for t in "${REQ[@]}"; do
    tree_usable "$t" || die "$t: not complete"
    kver=$(<"$TREES/$t/VERSION")
    [[ -d $TREES/$t/lib/modules/$kver ]] || die "$t: lib/modules/$kver missing"
    fb_tree=$t; [[ $t == amd64-xz || $t == amd64-zst ]] && fb_tree=amd64
    if ! base_current "$fb_tree"; then
        how="FALLBACK, not what the lock pins: see $TREES/$t/.fallback"
        fallbacks+=("$t")
    elif [[ -f $TREES/$t/.fallback ]]; then
        how="as pinned; built as a fallback, then scripts/repin pinned it: see $TREES/$t/.fallback"
    else
        how="as pinned"
    fi
    while read -r pkg ver a sha; do
        log "$t: $pkg $ver $a sha256:$sha ($how)"
    done <<<"$(packages_of "$t")"
    printf '%s %s %s %s\n' "$t" "$kver" "$(count_modules "$TREES/$t/lib/modules/$kver")" "$TREES/$t"
done
if [[ ${#fallbacks[@]} -gt 0 ]]; then
    banner "fetch-trees: the trees ${fallbacks[*]} are FALLBACKS, not the pinned packages" \
        "(see each tree's .fallback); run scripts/repin --from-trees (scripts/test does)"
fi
