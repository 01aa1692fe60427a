package org.modstack.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.modstack.ErrnoException;
import org.modstack.kernel.EmbeddedKernel;
import org.modstack.kernel.KernelStore;
import org.modstack.kernel.check.CheckKernel;
import org.modstack.kernel.check.StackCheck;
import org.modstack.kernel.check.StackModule;
import org.modstack.kernel.check.Verdict;

/**
 * {@code modstack check [options] MODULE.ko|DIR...}: whether a stack of modules loads on each
 * target kernel, why not, and what to change (docs/check.md). Exit status: 0 when everything
 * loads, 1 when something is refused, 2 for a usage or input error (the rest is still checked).
 */
final class CheckTool extends GetoptTool {
    /** The exit status of a usage or input error. */
    static final int INPUT_ERROR = 2;

    private final List<String> targets = new ArrayList<>();
    private final List<String> debs = new ArrayList<>();
    private final KernelChoice virtual = new KernelChoice();
    private boolean onVirtual;
    private String cmdline = "";
    private CheckFormat format = CheckFormat.TABLE;

    @Override
    protected Getopt options() {
        return new Getopt(List.of(Getopt.Spec.value('k', "kernel-release"),
                Getopt.Spec.longOnly("cmdline", Getopt.Arg.REQUIRED, "cmdline"),
                Getopt.Spec.longOnly("deb", Getopt.Arg.REQUIRED, "deb"), KernelChoice.OPTION,
                Getopt.Spec.longOnly("json", Getopt.Arg.NONE, "json"),
                Getopt.Spec.longOnly("sarif", Getopt.Arg.NONE, "sarif"),
                Getopt.Spec.flag('h', "help"), Getopt.Spec.flag('V', "version")));
    }

    @Override
    protected String help() {
        return "Usage: modstack check [options] MODULE.ko|DIR...\n"
                + "Will these modules load on those kernels, and if not, why and what to change.\n"
                + "Options:\n"
                + "\t-k, --kernel-release=KERNEL  a target kernel: a carried one by version, release or\n"
                + "\t                             Debian name (5.10, 6.1, 6.12, 7.2, debian-13, trixie...),\n"
                + "\t                             all (every carried one), running (this machine's\n"
                + "\t                             /lib/modules/$(uname -r)), or a root directory holding\n"
                + "\t                             lib/modules/<release>; repeatable; default: "
                + EmbeddedKernel.DEFAULT.version() + "\n"
                + "\t--deb=FILE.deb               a target kernel from Debian's linux-image and\n"
                + "\t                             linux-headers packages (give both)\n"
                + "\t--kernel=DIR                 a target: the virtual kernel in DIR as it is now,\n"
                + "\t                             its modules loaded (left unchanged)\n"
                + "\t--cmdline=ARGS               the target kernels' command line (module_blacklist=)\n"
                + "\t--json                       print the verdicts as JSON (docs/check.md)\n"
                + "\t--sarif                      print the findings as SARIF 2.1.0\n"
                + "\t-V, --version                show version\n"
                + "\t-h, --help                   show this help\n"
                + "Exit status: 0 all load, 1 something refused, 2 usage or input error.\n";
    }

    @Override
    protected int usageStatus() {
        return INPUT_ERROR;
    }

    @Override
    protected Integer apply(ToolOutput io, Getopt.Option option) {
        switch (option.key()) {
            case "k" -> targets.add(option.value());
            case "cmdline" -> cmdline = option.value();
            case "deb" -> debs.add(option.value());
            case "kernel" -> {
                virtual.set(option.value());
                onVirtual = true;
            }
            case "json" -> format = CheckFormat.JSON;
            case "sarif" -> format = CheckFormat.SARIF;
            default -> throw new IllegalStateException(option.key());
        }
        return null;
    }

    @Override
    protected int operate(ToolOutput io, List<String> operands) throws ErrnoException {
        if (operands.isEmpty()) {
            io.printErr(help().replace("%s", io.tool()));
            return INPUT_ERROR;
        }
        // the kernels are prepared on the second core while the modules are read
        List<CompletableFuture<Opened>> kernels = new ArrayList<>((targets.isEmpty() && debs.isEmpty() && !onVirtual
                ? List.of(EmbeddedKernel.DEFAULT.release()) : targets).stream().map(t -> CompletableFuture.supplyAsync(() -> open(io, t))).toList());
        if (!debs.isEmpty()) {
            kernels.add(CompletableFuture.supplyAsync(() -> unpack(io)));
        }
        if (onVirtual) {
            kernels.add(CompletableFuture.supplyAsync(this::openVirtual));
        }
        List<String> inputErrors = new ArrayList<>();
        List<StackModule> stack = StackModule.read(operands.stream().map(io::resolve).toList(),
                (input, reason) -> inputErrors.add(reason));
        List<Verdict> verdicts = new ArrayList<>();
        List<String> kernelNames = new ArrayList<>();
        for (CompletableFuture<Opened> f : kernels) {
            Opened o = f.join();
            o.error().ifPresent(inputErrors::add);
            for (CheckKernel opened : o.kernels()) {
                String name = opened.name();
                for (int n = 2; kernelNames.contains(name); n++) {
                    name = opened.name() + "#" + n;
                }
                try (CheckKernel k = opened.named(name)) {
                    kernelNames.add(k.name());
                    verdicts.addAll(StackCheck.run(stack, k));
                }
            }
        }
        inputErrors.forEach(e -> io.error(e + "\n"));
        io.print(format.render(stack, kernelNames, verdicts, inputErrors));
        if (!inputErrors.isEmpty()) {
            return INPUT_ERROR;
        }
        return verdicts.stream().allMatch(v -> v.outcome().loaded()) ? 0 : 1;
    }

    /** The kernels a target names, or why it names none. */
    private record Opened(List<CheckKernel> kernels, Optional<String> error) {
    }

    /** Debian's packages unpacked into a temporary root, removed when the check is done. */
    private Opened unpack(ToolOutput io) {
        try {
            Path root = Files.createTempDirectory("modstack-check-deb");
            DebianPackages.unpack(debs.stream().map(io::resolve).toList(), root);
            return new Opened(List.of(CheckKernel.root(root, null, cmdline, root)), Optional.empty());
        } catch (IOException e) {
            return new Opened(List.of(), Optional.of(e instanceof ErrnoException x ? x.describe()
                    : ErrnoException.of(e, "--deb").describe()));
        }
    }

    private Opened openVirtual() {
        try (KernelStore store = virtual.open()) {
            return new Opened(List.of(CheckKernel.virtual(store.kernel())), Optional.empty());
        } catch (ErrnoException e) {
            return new Opened(List.of(), Optional.of(e.describe()));
        }
    }

    private Opened open(ToolOutput io, String target) {
        Path dir = target.contains("/") || target.startsWith(".") ? io.resolve(target) : null;
        try {
            return new Opened(CheckKernel.open(target, dir, cmdline), Optional.empty());
        } catch (ErrnoException e) {
            return new Opened(List.of(), Optional.of(e.describe()));
        }
    }
}
