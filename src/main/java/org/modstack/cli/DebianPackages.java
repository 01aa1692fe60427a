package org.modstack.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.modstack.Errno;
import org.modstack.ErrnoException;

/**
 * A kernel from Debian's own packages: {@code linux-image-<r>} (config, modules) and
 * {@code linux-headers-<r>} (Module.symvers) unpacked into one root with {@code dpkg-deb -x},
 * and the module indexes the package's postinst would have made, by our depmod.
 */
final class DebianPackages {
    private DebianPackages() {
    }

    static void unpack(List<Path> debs, Path root) throws ErrnoException {
        try {
            Files.createDirectories(root);
            for (Path deb : debs) {
                Process p = new ProcessBuilder("dpkg-deb", "-x", deb.toString(), root.toString())
                        .redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                if (p.waitFor() != 0) {
                    throw new ToolFailure(new ErrnoException(Errno.EINVAL, deb + ": dpkg-deb -x failed: " + out));
                }
            }
            try (Stream<Path> releases = Files.list(root.resolve("lib/modules"))) {
                for (Path dir : releases.toList()) {
                    if (Files.isDirectory(dir.resolve("kernel")) && !Files.exists(dir.resolve("modules.dep"))) {
                        DepmodRun.index(root, dir.getFileName().toString());
                    }
                }
            }
        } catch (IOException e) {
            throw new ToolFailure(ErrnoException.of(e, root.toString()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ToolFailure(new ErrnoException(Errno.EINTR, "interrupted unpacking " + debs));
        }
    }
}
