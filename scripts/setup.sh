#!/usr/bin/env bash
# Installs what modstack and its tests need on a Debian machine (as root): a JDK (17 or newer),
# Maven, and the real kmod tools with the decompressors the conformance suites use.
# Idempotent: packages already present are left alone, and apt is only asked when one is missing.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

need=()
command -v java >/dev/null 2>&1 || need+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || need+=(maven)
command -v kmod >/dev/null 2>&1 || need+=(kmod)
command -v xz >/dev/null 2>&1 || need+=(xz-utils)
command -v zstd >/dev/null 2>&1 || need+=(zstd)
command -v python3 >/dev/null 2>&1 || need+=(python3)
# the real-kernel oracle of the virtual kernel's tests (scripts/qemu/run-scenario)
command -v qemu-system-x86_64 >/dev/null 2>&1 || need+=(qemu-system-x86)
[ -x /bin/busybox ] && /bin/busybox --list 2>/dev/null | grep -qx ash || need+=(busybox-static)
command -v cpio >/dev/null 2>&1 || need+=(cpio)
# modstack's tools inside the qemu guest (run-scenario -T modstack): JDK 17's jlink and jdeps
# make the guest's JRE; zip and unzip trim the jars put in its initramfs
[ -x /usr/lib/jvm/java-17-openjdk-amd64/bin/jlink ] || need+=(openjdk-17-jdk-headless)
command -v zip >/dev/null 2>&1 || need+=(zip)
command -v unzip >/dev/null 2>&1 || need+=(unzip)
# the manual-page test renders every page with man (ShellSupportTest); the launcher locks with flock
command -v man >/dev/null 2>&1 || need+=(man-db)
command -v flock >/dev/null 2>&1 || need+=(util-linux)
# LauncherTest watches which files a command opens
command -v strace >/dev/null 2>&1 || need+=(strace)
# modstack graph --format=svg|png renders through Graphviz's dot (its tests draw the sample stack)
command -v dot >/dev/null 2>&1 || need+=(graphviz)
# modstack explore's browser test: Debian's chromium driven headless by playwright-core under node
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
if ((${#need[@]})); then
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
# playwright-core at the version src/test/browser/package-lock.json pins (no browser download:
# the test drives /usr/bin/chromium)
browser="$(dirname "$0")/../src/test/browser"
if [[ ! -d "$browser/node_modules/playwright-core" ]]; then
    (cd "$browser" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent)
fi
