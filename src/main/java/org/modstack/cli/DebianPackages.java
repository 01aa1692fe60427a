package org.modstack.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.modstack.Errno;
import org.modstack.ErrnoException;

/**
 * A kernel from Debian's own packages: {@code linux-image-<r>} (config, modules; on 7.x the
 * {@code linux-binary-<r>} and {@code linux-modules-<r>} it depends on) and {@code linux-headers-<r>}
 * (Module.symvers) unpacked into one root with {@code dpkg-deb -x}, and the module indexes the
 * package's postinst would have made, by our depmod.
 */
final class DebianPackages {
    private DebianPackages() {
    }

    static void unpack(List<Path> debs, Path root) throws ErrnoException {
        try {
            Files.createDirectories(root);
            for (Path deb : debs) {
                extract(deb, root);
            }
            mergedUsr(root);
            try (Stream<Path> releases = Files.list(root.resolve("lib/modules"))) {
                for (Path dir : releases.toList()) {
                    if (Files.isDirectory(dir.resolve("kernel"))) {
                        requireHeaders(root, dir.getFileName().toString());
                        if (!Files.exists(dir.resolve("modules.dep"))) {
                            DepmodRun.index(root, dir.getFileName().toString());
                        }
                    }
                }
            }
        } catch (NoSuchFileException e) {
            throw new ToolFailure(new ErrnoException(Errno.ENOENT, debs + ": no kernel modules in these packages;"
                    + " add --deb=linux-image-<release>_*.deb (7.x: linux-modules-<release>_*.deb)"));
        } catch (IOException e) {
            throw new ToolFailure(ErrnoException.of(e, root.toString()));
        }
    }

    private static void extract(Path deb, Path root) throws IOException, ErrnoException {
        try {
            Process p = new ProcessBuilder("dpkg-deb", "-x", deb.toString(), root.toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (p.waitFor() != 0) {
                throw new ToolFailure(new ErrnoException(Errno.EINVAL, deb + ": dpkg-deb -x failed: " + out));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ToolFailure(new ErrnoException(Errno.EINTR, "interrupted unpacking " + deb));
        }
    }

    /**
     * Debian's packages since 13 put modules under {@code usr/lib/modules} (merged /usr); an
     * installed system reaches them through its {@code lib -> usr/lib} link, which the root gets too.
     */
    private static void mergedUsr(Path root) throws IOException {
        Path lib = root.resolve("lib");
        if (Files.isDirectory(root.resolve("usr/lib/modules")) && !Files.exists(lib, LinkOption.NOFOLLOW_LINKS)) {
            Files.createSymbolicLink(lib, Path.of("usr/lib"));
        }
    }

    /** vmlinux's exports come from the headers package: without it the kernel cannot link a module. */
    private static void requireHeaders(Path root, String release) throws ToolFailure {
        if (!Files.isRegularFile(root.resolve("usr/src/linux-headers-" + release + "/Module.symvers"))) {
            throw new ToolFailure(new ErrnoException(Errno.ENOENT, root + ": no Module.symvers for " + release
                    + "; add --deb=linux-headers-" + release + "_*.deb"));
        }
    }
}
