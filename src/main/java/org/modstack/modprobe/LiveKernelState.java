package org.modstack.modprobe;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.modstack.Errno;
import org.modstack.ErrnoException;
import org.modstack.module.Compression;
import org.modstack.module.ForcedImage;
import org.modstack.module.KernelModule;
import org.modstack.module.ModuleFile;

/**
 * The running kernel as libkmod reads it from {@code /proc/modules} and {@code /sys/module}, and
 * changes it through the module system calls.
 */
final class LiveKernelState implements KernelState {
    private static final Path PROC_MODULES = Path.of("/proc/modules");

    private final ModuleSyscalls syscalls;

    LiveKernelState(ModuleSyscalls syscalls) {
        this.syscalls = syscalls;
    }

    @Override
    public List<Loaded> loaded() throws ErrnoException {
        List<String> lines;
        try {
            lines = Files.readAllLines(PROC_MODULES, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw ErrnoException.of(e, PROC_MODULES.toString());
        }
        List<Loaded> out = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.split(" ");
            if (f.length >= 5) {  // name size refcnt holders state [address] [(taints)]
                String taint = f.length > 6 ? f[6].replaceAll("[()]", "") : "";
                out.add(new Loaded(f[0], coresize(f[0]).orElseGet(() -> parseSize(f[1])), f[4],
                        f[3].contains("[permanent]"), taint));
            }
        }
        return out;
    }

    private static Optional<Long> coresize(String name) {
        try {
            return Optional.of(Long.parseLong(Files.readString(Path.of("/sys/module", name, "coresize")).strip()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();  // before Linux 3.3: the size from /proc/modules
        }
    }

    private static long parseSize(String field) {
        try {
            return Long.parseLong(field);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    @Override
    public boolean isBuiltin(String name) {
        try {
            return ModuleDirectory.of(Optional.empty(), Optional.empty()).isBuiltin(name);
        } catch (ErrnoException e) {
            return false;  // no readable modules.builtin: libkmod finds nothing built in
        }
    }

    @Override
    public InitState initState(String name) {
        Path dir = Path.of("/sys/module", name);
        try {
            return switch (Files.readString(dir.resolve("initstate"))) {
                case "live\n" -> InitState.LIVE;
                case "coming\n" -> InitState.COMING;
                case "going\n" -> InitState.GOING;
                default -> InitState.NOT_LOADED;
            };
        } catch (IOException e) {
            // A directory without initstate is a built-in module with parameters, or one loading.
            return Files.isDirectory(dir) ? InitState.COMING : InitState.NOT_LOADED;
        }
    }

    @Override
    public int refcnt(String name) throws ErrnoException {
        try {
            return Integer.parseInt(Files.readString(Path.of("/sys/module", name, "refcnt")).strip());
        } catch (IOException e) {
            throw ErrnoException.of(e, name);
        } catch (NumberFormatException e) {
            throw new ErrnoException(Errno.EINVAL, name + ": refcnt is not a number");
        }
    }

    @Override
    public List<String> holders(String name) {
        List<String> out = new ArrayList<>();
        try (DirectoryStream<Path> d = Files.newDirectoryStream(Path.of("/sys/module", name, "holders"))) {
            d.forEach(p -> out.add(p.getFileName().toString()));
        } catch (IOException e) {
            // no holders directory: nothing holds it
        }
        return out;
    }

    /** kmod_module_insert_module on the running kernel's calls. */
    @Override
    public void insert(Path file, String options, boolean forceModversion, boolean forceVermagic)
            throws ErrnoException {
        ModuleInsertion.insert(syscalls, file, options, forceModversion, forceVermagic);
    }

    @Override
    public void remove(String name, boolean force) throws ErrnoException {
        syscalls.deleteModule(name, ModuleSyscalls.O_NONBLOCK | (force ? ModuleSyscalls.O_TRUNC : 0));
    }

    /** As libkmod runs it: {@code /bin/sh -c}, with MODPROBE_MODULE naming the module. */
    @Override
    public void runInstallCommand(String command, String options) throws ErrnoException {
        ProcessBuilder sh = new ProcessBuilder("/bin/sh", "-c", command.replace("$CMDLINE_OPTS", options)).inheritIO();
        try {
            int status = sh.start().waitFor();
            if (status != 0) {
                throw new ErrnoException(Errno.EINVAL, "Error running install command '" + command + "': retcode " + status);
            }
        } catch (IOException e) {
            throw ErrnoException.of(e, "/bin/sh");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ErrnoException(Errno.EINTR, "interrupted running " + command);
        }
    }
}
