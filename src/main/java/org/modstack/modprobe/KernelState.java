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
 * What a kernel says about a module's state, as libkmod reads it from {@code /sys/module}:
 * the live kernel, or a virtual one ({@code org.modstack.kernel.VirtualKernel#asKernelState}).
 */
public interface KernelState {

    /** A module's state in the kernel ({@code /sys/module/<m>/initstate}). */
    enum InitState { NOT_LOADED, LIVE, COMING, GOING }

    /** The state of module {@code name}; built-in modules are answered from the indexes, not here. */
    InitState initState(String name);

    /** The module's reference count ({@code /sys/module/<m>/refcnt}), or a negative errno. */
    int refcnt(String name);

    /** The modules holding it ({@code /sys/module/<m>/holders/}), in directory order. */
    List<String> holders(String name);

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
            public int refcnt(String name) {
                try {
                    return Integer.parseInt(Files.readString(Path.of("/sys/module", name, "refcnt")).strip());
                } catch (IOException e) {
                    return -ErrnoException.of(e, name).errno().number();
                } catch (NumberFormatException e) {
                    return -Errno.EINVAL.number();
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
        };
    }
}
