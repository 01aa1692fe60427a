#!/usr/bin/env bash
# fetch-trees.sh - download and unpack real Debian bookworm kernel module
# trees for modstack's conformance tests, cached between runs.
#
# Usage: scripts/fetch-trees.sh [-f|--force] [TREE...]
#   TREE is any of: amd64 amd64-xz amd64-zst armhf s390x (default: all).
#   -f/--force  refresh the package lists and rebuild the named trees even if
#               they are complete (cached .deb files are reused when the
#               resolved version is unchanged).
#
# Cache root: ${MODSTACK_CACHE:-$HOME/.cache/modstack}
#   debs/                    downloaded .deb files (kept)
#   apt/<arch>/              private apt state (lists, pkgcache) per arch; the
#                            system's dpkg/apt configuration is never changed
#                            (no dpkg --add-architecture), only its sources
#                            are read
#   logs/<tree>.log          depmod / compression output of the last build
#   trees/amd64/             unpacked linux-image-<abi>-amd64 (signed, plain
#                            .ko with PKCS#7 trailer) + Module.symvers from
#                            linux-headers-<abi>-amd64, depmod'ed
#   trees/amd64-xz/          copy of amd64, every .ko -> .ko.xz, depmod'ed
#   trees/amd64-zst/         copy of amd64, every .ko -> .ko.zst, depmod'ed
#   trees/armhf/             linux-image-<abi>-armmp (ELF32 LE), depmod'ed
#   trees/s390x/             linux-image-<abi>-s390x (ELF64 BE), depmod'ed
#   trees/<tree>/VERSION     kernel version (the dir name under lib/modules)
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
set -euo pipefail
umask 022
export LC_ALL=C DEBIAN_FRONTEND=noninteractive

ALL_TREES=(amd64 amd64-xz amd64-zst armhf s390x)
CACHE=${MODSTACK_CACHE:-${HOME:?set HOME or MODSTACK_CACHE}/.cache/modstack}
TREES=$CACHE/trees
DEBS=$CACHE/debs
LOGS=$CACHE/logs
JOBS=$(nproc 2>/dev/null || echo 2)

log() { printf '[fetch-trees %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

usage() { sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; }

FORCE=0
REQ=()
for a in "$@"; do
    case $a in
        -f|--force) FORCE=1 ;;
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

# ------------------------------------------------------- private apt per arch
# Each arch has its own lists so that one broken index (e.g. a mirror serving
# a stale bookworm-security Packages file for one arch) cannot roll back the
# indexes of the others.
APT_OPTS=()
apt_setup() {
    local arch=$1 d=$CACHE/apt/$1
    mkdir -p "$d/lists/partial" "$d/cache/archives/partial"
    [[ -e $d/status ]] || : >"$d/status"
    APT_OPTS=(
        -o "APT::Architecture=$arch" -o "APT::Architectures::=$arch"
        -o "Dir::State::Lists=$d/lists" -o "Dir::Cache=$d/cache"
        -o "Dir::State::status=$d/status" -o "APT::Sandbox::User=root"
        -o "Acquire::Languages=none" -o "Acquire::Retries=3"
    )
}

apt_update() {
    local arch=$1 try
    apt_setup "$arch"
    for try in 1 2; do
        log "apt-get update ($arch, private lists, attempt $try)"
        if apt-get "${APT_OPTS[@]}" -q update >"$LOGS/apt-update-$arch.log" 2>&1; then
            return 0
        fi
        grep -E '^(E|W|Err):' "$LOGS/apt-update-$arch.log" | sed 's/^/    /' >&2 || true
        [[ $try == 1 ]] && sleep 3
    done
    log "apt-get update ($arch) reported errors; continuing with the indexes it did get"
    return 0
}

# resolve META ARCH -> sets R_PKG R_VER (binary package the metapackage
# depends on, and its candidate version)
resolve() {
    local meta=$1 arch=$2
    apt_setup "$arch"
    R_PKG=$(apt-cache "${APT_OPTS[@]}" depends --important "$meta" 2>/dev/null |
        awk '$1 == "Depends:" && $2 ~ /^linux-image-/ { sub(/:.*/, "", $2); print $2; exit }') || true
    R_VER=""
    [[ -n $R_PKG ]] || return 1
    R_VER=$(apt-cache "${APT_OPTS[@]}" policy "$R_PKG" 2>/dev/null |
        awk '$1 == "Candidate:" { print $2; exit }') || true
    [[ -n $R_VER && $R_VER != "(none)" ]]
}

declare -A UPDATED=()
resolve_image() {
    local meta=$1 arch=$2
    if [[ $FORCE == 1 && -z ${UPDATED[$arch]:-} ]]; then
        apt_update "$arch"; UPDATED[$arch]=1
    fi
    if ! resolve "$meta" "$arch"; then
        if [[ -z ${UPDATED[$arch]:-} ]]; then apt_update "$arch"; UPDATED[$arch]=1; fi
        resolve "$meta" "$arch" || die "cannot resolve $meta for $arch"
    fi
    log "$meta ($arch) -> $R_PKG $R_VER"
}

# fetch_deb PKG VER ARCH -> sets R_DEB (path of the cached .deb)
fetch_deb() {
    local pkg=$1 ver=$2 arch=$3 f part try
    f=$DEBS/${pkg}_${ver//:/%3a}_${arch}.deb
    R_DEB=$f
    if [[ -s $f ]] && dpkg-deb --info "$f" >/dev/null 2>&1; then
        return 0
    fi
    rm -f -- "$f"
    part=$DEBS/.partial
    rm -rf -- "$part"; mkdir -p "$part"
    apt_setup "$arch"
    for try in 1 2; do
        log "downloading $pkg=$ver ($arch)"
        if (cd "$part" && apt-get "${APT_OPTS[@]}" -q download "$pkg=$ver" >&2); then
            local got
            got=$(find "$part" -maxdepth 1 -name "${pkg}_*.deb" | head -n1)
            [[ -n $got ]] || die "apt-get download left no .deb for $pkg"
            mv -f -- "$got" "$f"
            rm -rf -- "$part"
            return 0
        fi
        [[ $try == 2 ]] && break
        # stale lists (version gone from the archive): refresh and re-resolve
        apt_update "$arch"; UPDATED[$arch]=1
        local nv
        nv=$(apt-cache "${APT_OPTS[@]}" policy "$pkg" 2>/dev/null |
            awk '$1 == "Candidate:" { print $2; exit }') || true
        if [[ -n $nv && $nv != "(none)" && $nv != "$ver" ]]; then
            log "$pkg: $ver no longer available, using $nv"
            ver=$nv; R_VER=$nv; f=$DEBS/${pkg}_${ver//:/%3a}_${arch}.deb; R_DEB=$f
        fi
    done
    rm -rf -- "$part"
    die "download of $pkg failed"
}

# -------------------------------------------------------------- tree helpers
tree_ok() { [[ -f $TREES/$1/.complete && -s $TREES/$1/VERSION ]]; }

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

run_depmod() {  # DIR KVER NAME
    log "$3: depmod -b ... $2"
    if ! depmod -b "$1" "$2" >>"$LOGS/$3.log" 2>&1; then
        tail -n 20 "$LOGS/$3.log" >&2
        die "$3: depmod failed (see $LOGS/$3.log)"
    fi
    [[ -s $1/lib/modules/$2/modules.dep ]] || die "$3: depmod wrote no modules.dep"
    if [[ -s $LOGS/$3.log ]]; then
        log "$3: depmod printed $(wc -l <"$LOGS/$3.log") line(s), see $LOGS/$3.log"
    fi
}

# build_image NAME META ARCH: unpack the image package META depends on
build_image() {
    local name=$1 meta=$2 arch=$3 kver md f
    resolve_image "$meta" "$arch"
    fetch_deb "$R_PKG" "$R_VER" "$arch"
    local img_deb=$R_DEB img_pkg=$R_PKG img_ver=$R_VER
    : >"$LOGS/$name.log"
    new_tmp "$name"
    log "$name: unpacking $(basename "$img_deb")"
    unpack_deb "$img_deb" "$CUR_TMP"
    kver=$(only_kver "$CUR_TMP")
    [[ $img_pkg == "linux-image-$kver" ]] || log "$name: note: package $img_pkg ships $kver"
    md=$CUR_TMP/lib/modules/$kver
    for f in modules.order modules.builtin modules.builtin.modinfo; do
        [[ -s $md/$f ]] || die "$name: package lacks lib/modules/$kver/$f"
    done
    for f in "boot/System.map-$kver" "boot/config-$kver"; do
        [[ -s $CUR_TMP/$f ]] || die "$name: package lacks $f"
    done
    if [[ $name == amd64 ]]; then
        local hpkg=linux-headers-$kver hver
        hver=$(apt-cache "${APT_OPTS[@]}" policy "$hpkg" 2>/dev/null |
            awk '$1 == "Candidate:" { print $2; exit }') || true
        if [[ -z $hver || $hver == "(none)" ]]; then
            apt_update "$arch"; UPDATED[$arch]=1
            hver=$(apt-cache "${APT_OPTS[@]}" policy "$hpkg" 2>/dev/null |
                awk '$1 == "Candidate:" { print $2; exit }') || true
            [[ -n $hver && $hver != "(none)" ]] || die "no candidate for $hpkg"
        fi
        [[ $hver == "$img_ver" ]] || log "$name: note: $hpkg is $hver, image is $img_ver"
        fetch_deb "$hpkg" "$hver" "$arch"
        log "$name: extracting Module.symvers from $(basename "$R_DEB")"
        dpkg-deb --fsys-tarfile "$R_DEB" |
            tar -xO -f - "./usr/src/linux-headers-$kver/Module.symvers" >"$CUR_TMP/Module.symvers" ||
            die "$name: no Module.symvers in $R_DEB"
        [[ -s $CUR_TMP/Module.symvers ]] || die "$name: empty Module.symvers"
        printf '%s %s\n%s %s\n' "$img_pkg" "$img_ver" "$hpkg" "$hver" >"$CUR_TMP/.packages"
    else
        printf '%s %s\n' "$img_pkg" "$img_ver" >"$CUR_TMP/.packages"
    fi
    run_depmod "$CUR_TMP" "$kver" "$name"
    finish "$name" "$kver"
}

# build_compressed NAME EXT: copy trees/amd64, recompress every .ko
build_compressed() {
    local name=$1 ext=$2 src=$TREES/amd64 kver n left
    tree_ok amd64 || die "$name needs a complete amd64 tree"
    kver=$(<"$src/VERSION")
    : >"$LOGS/$name.log"
    new_tmp "$name"
    rmdir -- "$CUR_TMP"
    cp -a -- "$src" "$CUR_TMP"
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
        amd64)     build_image amd64 linux-image-amd64 amd64 ;;
        armhf)     build_image armhf linux-image-armmp armhf ;;
        s390x)     build_image s390x linux-image-s390x s390x ;;
        amd64-xz)  build_compressed amd64-xz xz ;;
        amd64-zst) build_compressed amd64-zst zst ;;
    esac
    log "$1: built in $((SECONDS - t0))s"
}

# ---------------------------------------------------------------------- main
ensure_tools

declare -A WANT=()
for t in "${REQ[@]}"; do WANT[$t]=1; done
# compressed trees derive from amd64; build it first when needed
if [[ -n ${WANT[amd64-xz]:-}${WANT[amd64-zst]:-} ]] && ! tree_ok amd64; then
    WANT[amd64]=1
fi
declare -A BUILT=()
for t in "${ALL_TREES[@]}"; do
    [[ -n ${WANT[$t]:-} ]] || continue
    if [[ $FORCE == 1 ]] || ! tree_ok "$t"; then
        if [[ -e $TREES/$t ]] && ! tree_ok "$t"; then
            log "$t: incomplete tree found, rebuilding"
        fi
        build_tree "$t"
        BUILT[$t]=1
    fi
done
# a forced or new amd64 invalidates derived trees that were not rebuilt above
if [[ -n ${BUILT[amd64]:-} ]]; then
    for t in amd64-xz amd64-zst; do
        if [[ -z ${BUILT[$t]:-} ]] && tree_ok "$t" &&
            [[ $(<"$TREES/$t/VERSION") != $(<"$TREES/amd64/VERSION") || $FORCE == 1 ]]; then
            build_tree "$t"
        fi
    done
fi

for t in "${REQ[@]}"; do
    tree_ok "$t" || die "$t: not complete"
    kver=$(<"$TREES/$t/VERSION")
    [[ -d $TREES/$t/lib/modules/$kver ]] || die "$t: lib/modules/$kver missing"
    printf '%s %s %s %s\n' "$t" "$kver" "$(count_modules "$TREES/$t/lib/modules/$kver")" "$TREES/$t"
done
