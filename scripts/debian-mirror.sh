# debian-mirror.sh - sourced by scripts that fetch from Debian's archive (kmod34.sh,
# fetch-trees.sh): which mirror this machine's own apt sources use, so that no script names
# a host of its own.

# host_codename: this machine's Debian release (e.g. bookworm)
host_codename() {
    local codename
    # shellcheck source=/dev/null
    codename=$(. /etc/os-release && printf '%s' "${VERSION_CODENAME:-}")
    [[ -n $codename ]] || { printf 'no VERSION_CODENAME in /etc/os-release\n' >&2; return 1; }
    printf '%s\n' "$codename"
}

# host_mirror SUITE: the URI of the first enabled "deb" source in /etc/apt/sources.list{,.d}
# that carries SUITE (e.g. bookworm, or bookworm-security) with the main component. Such a
# mirror of Debian's archive (or of its security archive) also serves the other releases.
host_mirror() {
    local codename=$1 files=() f
    [[ -f /etc/apt/sources.list ]] && files+=(/etc/apt/sources.list)
    for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
        [[ -f $f ]] && files+=("$f")
    done
    for f in "${files[@]}"; do
        case $f in
            *.sources)
                # deb822 paragraphs; first value of URIs, all values of the others
                awk -v want="$codename" '
                    function flush() {
                        if (types ~ /(^| )deb( |$)/ && enabled != "no" &&
                            (" " suites " ") ~ (" " want " ") &&
                            (" " comps " ") ~ / main / && uri != "")
                            { print uri; found = 1; exit }
                        types = suites = comps = uri = ""; enabled = "yes"
                    }
                    BEGIN { enabled = "yes" }
                    /^[ \t]*#/ { next }
                    /^[ \t]*$/ { flush(); next }
                    {
                        key = tolower($1); sub(/:$/, "", key)
                        val = $0; sub(/^[^:]*:[ \t]*/, "", val)
                        if (key == "types") types = val
                        else if (key == "uris") { split(val, u, /[ \t]+/); uri = u[1] }
                        else if (key == "suites") suites = val
                        else if (key == "components") comps = val
                        else if (key == "enabled") enabled = tolower(val)
                    }
                    END { if (!found) flush() }' "$f" ;;
            *)
                # one-line style: deb [options] uri suite component...
                awk -v want="$codename" '
                    /^[ \t]*#/ { next }
                    $1 == "deb" {
                        i = 2
                        if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
                        uri = $i; suite = $(i + 1); main = 0
                        for (j = i + 2; j <= NF; j++) if ($j == "main") main = 1
                        if (suite == want && main) { print uri; exit }
                    }' "$f" ;;
        esac
    done | grep -E '^(https?|file):' | head -n1
}

