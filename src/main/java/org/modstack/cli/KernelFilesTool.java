package org.modstack.cli;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.modstack.ErrnoException;
import org.modstack.kernel.KernelFiles;
import org.modstack.kernel.KernelStore;

/** {@code kernel cat|ls|stat}: the virtual kernel's {@code /proc} and {@code /sys/module}, as busybox shows them. */
final class KernelFilesTool extends KernelSubcommand {
    /** How one subcommand shows a path, and its words for one the kernel does not have. */
    enum View {
        CAT("cat: can't open '%s': No such file or directory\n") {
            @Override
            Optional<String> show(KernelFiles files, String path) {
                return files.read(path);
            }
        },
        /** As busybox ls: one name per line, sorted. */
        LS("ls: %s: No such file or directory\n") {
            @Override
            Optional<String> show(KernelFiles files, String dir) {
                return files.list(dir).map(names -> names.stream().sorted().map(n -> n + "\n").collect(Collectors.joining()));
            }
        },
        /** As {@code stat -c '%a %n'}: the octal mode of a parameter file, then its name. */
        STAT("stat: can't stat '%s': No such file or directory\n") {
            @Override
            Optional<String> show(KernelFiles files, String f) {
                String[] p = f.split("/");
                boolean parameter = p.length == 6 && f.startsWith("/sys/module/") && p[4].equals("parameters");
                return (parameter ? files.parameterMode(p[3], p[5]) : Optional.<Integer>empty())
                        .map(mode -> Integer.toOctalString(mode) + " " + f + "\n");
            }
        };

        private final String missing;

        View(String missing) {
            this.missing = missing;
        }

        abstract Optional<String> show(KernelFiles files, String path);
    }

    private final View view;
    private boolean json;

    KernelFilesTool(View view) {
        this.view = view;
    }

    @Override
    String usage() {
        return view.name().toLowerCase(java.util.Locale.ROOT) + " [options] PATH...";
    }

    @Override
    String about() {
        return "\tPATH: /proc/modules, /proc/sys/kernel/tainted, /proc/cmdline, /sys/module, /sys/module/M/...\n";
    }

    @Override
    String optionsHelp() {
        return view == View.CAT ? "\t-J, --json        /proc/modules as JSON, as lsmod --json\n" : "";
    }

    /** {@code cat} alone reads a file whose content has a JSON form: {@code /proc/modules}, as {@code lsmod --json}. */
    @Override
    List<Getopt.Spec> extraOptions() {
        return view == View.CAT ? List.of(Getopt.Spec.flag('J', "json")) : List.of();
    }

    @Override
    void applyExtra(Getopt.Option option) {
        json = true;
    }

    @Override
    boolean takes(int count) {
        return true;
    }

    @Override
    int act(ToolOutput io, List<String> paths) throws ErrnoException {
        if (json) {
            if (!paths.equals(List.of("/proc/modules"))) {
                io.error("--json reads /proc/modules only\n");
                return 1;
            }
            try (KernelStore s = kernel.open()) {
                LsmodTool.printJson(io, s.kernel().asKernelState(io::error));
            }
            return 0;
        }
        int status = 0;
        try (KernelStore s = kernel.read()) {
            KernelFiles files = new KernelFiles(s.kernel());
            for (String path : paths) {
                Optional<String> shown = view.show(files, path);
                if (shown.isPresent()) {
                    io.print(shown.get());
                } else {
                    io.printErr(view.missing.replace("%s", path));
                    status = 1;
                }
            }
        }
        return status;
    }
}
