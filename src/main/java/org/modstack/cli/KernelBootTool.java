package org.modstack.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.modstack.Errno;
import org.modstack.ErrnoException;
import org.modstack.kernel.EmbeddedKernel;
import org.modstack.kernel.KernelStore;
import org.modstack.kernel.RunningSnapshot;

/** {@code kernel boot}: a fresh virtual kernel from a root, Debian's packages, or the embedded kernel. */
final class KernelBootTool extends KernelSubcommand {
    private String release;
    private String cmdline = "";
    private final List<String> debs = new ArrayList<>();
    private boolean force;
    private boolean fromRunning;

    @Override
    String usage() {
        return "boot [options] [ROOT]";
    }

    @Override
    String about() {
        return "\tboots a virtual kernel: the one installed under ROOT, Debian's packages (--deb),\n"
                + "\tthe running system (--from-running), or without any the embedded Debian kernel\n";
    }

    @Override
    String optionsHelp() {
        return "\t--release=R       the kernel release under ROOT/lib/modules; without ROOT or\n"
                + "\t                  --deb, the carried kernel R names (5.10, 6.1, 6.12, 7.2, its\n"
                + "\t                  release, or debian-13, trixie...); default "
                + EmbeddedKernel.DEFAULT.version() + "\n"
                + "\t--cmdline=ARGS    the kernel command line\n"
                + "\t--deb=FILE.deb    boot from Debian's linux-image and linux-headers packages\n"
                + "\t-f, --force       replace a kernel already booted in the directory\n"
                + "\t--from-running    seed it from the running system under ROOT (default /): its\n"
                + "\t                  kernel, the modules /proc/modules lists, its taint\n";
    }

    @Override
    List<Getopt.Spec> extraOptions() {
        return List.of(Getopt.Spec.longOnly("release", Getopt.Arg.REQUIRED, "release"),
                Getopt.Spec.longOnly("cmdline", Getopt.Arg.REQUIRED, "cmdline"),
                Getopt.Spec.longOnly("deb", Getopt.Arg.REQUIRED, "deb"), Getopt.Spec.flag('f', "force"),
                Getopt.Spec.longOnly("from-running", Getopt.Arg.NONE, "from-running"));
    }

    @Override
    void applyExtra(Getopt.Option o) {
        switch (o.key()) {
            case "release" -> release = o.value();
            case "cmdline" -> cmdline = o.value();
            case "f" -> force = true;
            case "from-running" -> fromRunning = true;
            default -> debs.add(o.value());
        }
    }

    @Override
    boolean takes(int count) {
        return count <= 1;
    }

    private int bootFromRunning(ToolOutput io, Path root) throws ErrnoException {
        try (KernelStore s = RunningSnapshot.boot(kernel.directory(), root, force)) {
            io.print("booted " + s.kernel().description().release() + " in " + s.directory() + " with "
                    + s.kernel().state().modules().size() + " modules of the running system\n");
        }
        return 0;
    }

    /** The carried kernel --release names (its release, version or Debian name), else the default one. */
    private EmbeddedKernel carried() throws ErrnoException {
        if (release == null) {
            return EmbeddedKernel.DEFAULT;
        }
        return EmbeddedKernel.named(release).orElseThrow(() -> new ErrnoException(Errno.ENOENT,
                "no carried kernel '" + release + "'; carried: " + EmbeddedKernel.names()));
    }

    @Override
    int act(ToolOutput io, List<String> operands) throws ErrnoException {
        KernelStore.requireVacant(kernel.directory(), force);  // before the tree below overwrites anything
        if (fromRunning) {
            return bootFromRunning(io, operands.isEmpty() ? Path.of("/") : io.resolve(operands.get(0)));
        }
        Path tree = kernel.directory().resolve("tree");
        if (!debs.isEmpty()) {
            DebianPackages.unpack(debs.stream().map(io::resolve).toList(), tree);
        }
        String bootRelease = release;
        if (debs.isEmpty() && operands.isEmpty()) {
            bootRelease = carried().write(tree);
        }
        Path from = operands.isEmpty() ? tree : io.resolve(operands.get(0));
        try (KernelStore s = kernel.boot(from, bootRelease, cmdline, force)) {
            io.print("booted " + s.kernel().description().release() + " in " + s.directory() + "\n");
        }
        return 0;
    }
}
