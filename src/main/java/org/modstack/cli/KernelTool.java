package org.modstack.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.modstack.Errno;
import org.modstack.ErrnoException;
import org.modstack.kernel.EmbeddedKernel;
import org.modstack.kernel.KernelFiles;
import org.modstack.kernel.KernelStore;

/**
 * {@code modstack kernel}: the virtual kernel itself.
 * <pre>
 *   kernel boot [--kernel=DIR] [--release=R] [--cmdline=ARGS] [ROOT] boot the kernel installed under ROOT
 *                                                                    (default: the embedded Debian kernel)
 *   kernel boot [--kernel=DIR] --deb=IMAGE.deb --deb=HEADERS.deb     boot a kernel from Debian's packages
 *   kernel tree DIR                                                  write the embedded kernel's files under DIR
 *   kernel dmesg [--kernel=DIR]                                      its log
 *   kernel cat [--kernel=DIR] FILE...                                /proc/modules, /sys/module/M/..., ...
 *   kernel ls [--kernel=DIR] DIR                                     /sys/module/M/holders, .../parameters
 *   kernel stat [--kernel=DIR] FILE...                               a parameter file's mode and name
 *   kernel init [--kernel=DIR] MODULE RESULT                         script what a module's init returns
 *   kernel scenario --root=ROOT [--modules=DIR] FILE [MODULE.ko...]  run a scenario, print its transcript
 * </pre>
 */
final class KernelTool implements Tool {
    private static final String USAGE = "Usage: modstack kernel boot|tree|dmesg|cat|ls|stat|init|scenario [--kernel=DIR] ...\n";

    @Override
    public int run(ToolOutput io, List<String> args) throws ErrnoException {
        if (args.isEmpty()) {
            io.printErr(USAGE);
            return 1;
        }
        KernelChoice kernel = new KernelChoice();
        String release = null;
        String cmdline = "";
        String root = null;
        String moduleDir = null;
        List<String> debs = new ArrayList<>();
        List<String> operands = new ArrayList<>();
        for (String a : args.subList(1, args.size())) {
            if (a.startsWith("--kernel=")) {
                kernel.set(a.substring("--kernel=".length()));
            } else if (a.startsWith("--release=")) {
                release = a.substring("--release=".length());
            } else if (a.startsWith("--cmdline=")) {
                cmdline = a.substring("--cmdline=".length());
            } else if (a.startsWith("--deb=")) {
                debs.add(a.substring("--deb=".length()));
            } else if (a.startsWith("--modules=")) {
                moduleDir = a.substring("--modules=".length());
            } else if (a.startsWith("--root=")) {
                root = a.substring("--root=".length());
            } else {
                operands.add(a);
            }
        }
        switch (args.get(0)) {
            case "boot" -> {
                if (operands.size() > 1) {
                    io.printErr(USAGE);
                    return 1;
                }
                Path tree = kernel.directory().resolve("tree");
                if (!debs.isEmpty()) {
                    DebianPackages.unpack(debs.stream().map(io::resolve).toList(), tree);
                } else if (operands.isEmpty()) {
                    EmbeddedKernel.writeTree(tree);
                }
                Path from = operands.isEmpty() ? tree : io.resolve(operands.get(0));
                try (KernelStore s = kernel.boot(from, release, cmdline)) {
                    io.print("booted " + s.kernel().description().release() + " in " + s.directory() + "\n");
                }
                return 0;
            }
            case "tree" -> {
                if (operands.size() != 1) {
                    io.printErr(USAGE);
                    return 1;
                }
                io.print(EmbeddedKernel.writeTree(io.resolve(operands.get(0))) + "\n");
                return 0;
            }
            case "dmesg" -> {
                try (KernelStore s = kernel.open()) {
                    s.kernel().state().log().forEach(l -> io.print(l + "\n"));
                }
                return 0;
            }
            case "cat" -> {
                return cat(io, kernel, operands);
            }
            case "ls" -> {
                return ls(io, kernel, operands);
            }
            case "stat" -> {
                return stat(io, kernel, operands);
            }
            case "init" -> {
                if (operands.size() != 2 || !operands.get(1).matches("0|-[0-9]+")) {
                    io.printErr(USAGE);
                    return 1;
                }
                int result = Integer.parseInt(operands.get(1));
                if (result != 0 && Errno.ofNumber(-result).isEmpty()) {
                    io.error("init result " + result + ": not an errno modstack knows\n");
                    return 1;
                }
                try (KernelStore s = kernel.open()) {
                    s.kernel().scriptInit(operands.get(0), result);
                    s.save();
                }
                return 0;
            }
            case "scenario" -> {
                if (operands.isEmpty() || root == null) {
                    io.printErr(USAGE);
                    return 1;
                }
                List<Path> modules = operands.subList(1, operands.size()).stream().map(io::resolve).toList();
                Path scenario = io.resolve(operands.get(0));
                Path fixtures = moduleDir != null ? io.resolve(moduleDir) : scenario.toAbsolutePath().getParent();
                io.print(new ScenarioRun(io.resolve(root), modules, fixtures).run(scenario));
                return 0;
            }
            default -> {
                io.printErr(USAGE);
                return 1;
            }
        }
    }

    /** What one file-reading subcommand shows for a path, if the kernel has it. */
    private interface Reader {
        Optional<String> show(KernelFiles view, String path);
    }

    private static int cat(ToolOutput io, KernelChoice kernel, List<String> files) throws ErrnoException {
        return each(io, kernel, files, KernelFiles::read, "cat: can't open '%s': No such file or directory\n");
    }

    /** As busybox ls (one name per line, sorted) of a /sys/module directory. */
    private static int ls(ToolOutput io, KernelChoice kernel, List<String> dirs) throws ErrnoException {
        return each(io, kernel, dirs, (view, d) -> view.list(d)
                .map(names -> names.stream().sorted().map(n -> n + "\n").collect(Collectors.joining())),
                "ls: %s: No such file or directory\n");
    }

    /** As {@code stat -c '%a %n'}: the octal mode of each parameter file, then its name. */
    private static int stat(ToolOutput io, KernelChoice kernel, List<String> files) throws ErrnoException {
        return each(io, kernel, files, (view, f) -> {
            String[] p = f.split("/");
            boolean parameter = p.length == 6 && f.startsWith("/sys/module/") && p[4].equals("parameters");
            return (parameter ? view.parameterMode(p[3], p[5]) : Optional.<Integer>empty())
                    .map(mode -> Integer.toOctalString(mode) + " " + f + "\n");
        }, "stat: can't stat '%s': No such file or directory\n");
    }

    private static int each(ToolOutput io, KernelChoice kernel, List<String> paths, Reader reader, String missing)
            throws ErrnoException {
        int status = 0;
        try (KernelStore s = kernel.open()) {
            KernelFiles view = new KernelFiles(s.kernel());
            for (String path : paths) {
                Optional<String> shown = reader.show(view, path);
                if (shown.isPresent()) {
                    io.print(shown.get());
                } else {
                    io.printErr(missing.replace("%s", path));
                    status = 1;
                }
            }
        }
        return status;
    }
}
