package org.modstack.cli;

/** The text of {@code modprobe -h}, as kmod prints it; {@code %s} stands for the tool's name. */
final class ModprobeHelp {
    private ModprobeHelp() {
    }

    static final String TEXT =
            "Usage:\n" +
            "\t%s [options] [-i] [-b] modulename\n" +
            "\t%s [options] -a [-i] [-b] modulename [modulename...]\n" +
            "\t%s [options] -r [-i] modulename\n" +
            "\t%s [options] -r -a [-i] modulename [modulename...]\n" +
            "\t%s [options] -c\n" +
            "\t%s [options] --dump-modversions filename\n" +
            "Management Options:\n" +
            "\t-a, --all                   Consider every non-argument to\n" +
            "\t                            be a module name to be inserted\n" +
            "\t                            or removed (-r)\n" +
            "\t-r, --remove                Remove modules instead of inserting\n" +
            "\t    --remove-dependencies   Deprecated: use --remove-holders\n" +
            "\t    --remove-holders        Also remove module holders (use together with -r)\n" +
            "\t-w, --wait <MSEC>           When removing a module, wait up to MSEC for\n" +
            "\t                            module's refcount to become 0 so it can be\n" +
            "\t                            removed (use together with -r)\n" +
            "\t    --first-time            Fail if module already inserted or removed\n" +
            "\t-i, --ignore-install        Ignore install commands\n" +
            "\t-i, --ignore-remove         Ignore remove commands\n" +
            "\t-b, --use-blacklist         Apply blacklist to resolved alias.\n" +
            "\t-f, --force                 Force module insertion or removal.\n" +
            "\t                            implies --force-modversions and\n" +
            "\t                            --force-vermagic\n" +
            "\t    --force-modversion      Ignore module's version\n" +
            "\t    --force-vermagic        Ignore module's version magic\n" +
            "\n" +
            "Query Options:\n" +
            "\t-R, --resolve-alias         Only lookup and print alias and exit\n" +
            "\t-D, --show-depends          Only print module dependencies and exit\n" +
            "\t-c, --showconfig            Print out known configuration and exit\n" +
            "\t-c, --show-config           Same as --showconfig\n" +
            "\t    --show-modversions      Dump module symbol version and exit\n" +
            "\t    --dump-modversions      Same as --show-modversions\n" +
            "\t    --show-exports          Only print module exported symbol versions and exit\n" +
            "\n" +
            "General Options:\n" +
            "\t-n, --dry-run               Do not execute operations, just print out\n" +
            "\t-n, --show                  Same as --dry-run\n" +
            "\t-C, --config=FILE           Use FILE instead of default search paths\n" +
            "\t-d, --dirname=DIR           Use DIR as filesystem root for /lib/modules\n" +
            "\t-S, --set-version=VERSION   Use VERSION instead of `uname -r`\n" +
            "\t    --kernel-cmdline=FILE   Read the kernel command line from FILE, not /proc/cmdline\n" +
            "\t    --kmod-version=30|34    Behave as that kmod release where they differ (default 30)\n" +
            "\t-s, --syslog                print to syslog, not stderr\n" +
            "\t-q, --quiet                 disable messages\n" +
            "\t-v, --verbose               enables more messages\n" +
            "\t-V, --version               show version\n" +
            "\t-h, --help                  show this help\n";
}
