package org.modstack.modprobe;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.modstack.Errno;
import org.modstack.ErrnoException;

/**
 * The kernel modprobe acts on: what it says about a module's state, as libkmod reads it from
 * {@code /sys/module}, and the calls that load and remove modules. The live kernel, or a virtual
 * one ({@code org.modstack.kernel.VirtualKernel#asKernelState}).
 */
public interface KernelState {

    /** A module's state in the kernel ({@code /sys/module/<m>/initstate}). */
    enum InitState { NOT_LOADED, LIVE, COMING, GOING }

    /** The state of module {@code name}; built-in modules are answered from the indexes, not here. */
    InitState initState(String name);

    /** The module's reference count ({@code /sys/module/<m>/refcnt}). */
    int refcnt(String name) throws ErrnoException;

    /** The modules holding it ({@code /sys/module/<m>/holders/}), in directory order. */
    List<String> holders(String name);

    /**
     * kmod_module_insert_module: the module file at {@code file} (compressed or not) with
     * {@code options}; forcing drops the module's version information or its vermagic.
     */
    void insert(Path file, String options, boolean forceModversion, boolean forceVermagic) throws ErrnoException;

    /** kmod_module_remove_module: {@code delete_module} without waiting, forced or not. */
    void remove(String name, boolean force) throws ErrnoException;

    /** Runs a modprobe.d install command, {@code $CMDLINE_OPTS} standing for {@code options}. */
    void runInstallCommand(String command, String options) throws ErrnoException;

    /** The running kernel, read from {@code /sys/module}. */
    static KernelState live() {
        return new KernelState() {
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

            @Override
            public void insert(Path file, String options, boolean forceModversion, boolean forceVermagic)
                    throws ErrnoException {
                throw notYet();
            }

            @Override
            public void remove(String name, boolean force) throws ErrnoException {
                throw notYet();
            }

            @Override
            public void runInstallCommand(String command, String options) throws ErrnoException {
                throw notYet();
            }

            private ErrnoException notYet() {
                return new ErrnoException(Errno.ENOSYS, "changing the running kernel is not available yet");
            }
        };
    }
}
