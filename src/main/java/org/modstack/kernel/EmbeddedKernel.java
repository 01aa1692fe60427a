package org.modstack.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.modstack.Errno;
import org.modstack.ErrnoException;
import org.modstack.module.Compression;

/**
 * The kernel modstack carries with it, so that a virtual kernel needs no download: Debian 12's
 * 6.1.0-56-amd64, as far as module loading sees it (the loader's configuration options, vmlinux's
 * exports with their CRCs, the built-in modules, the id of the key its modules are signed with). Written out as a tree root that
 * {@link KernelDescription#fromTree} reads; modules go in its {@code lib/modules/<release>/}.
 */
public final class EmbeddedKernel {
    /** The embedded kernel's release. */
    public static final String RELEASE = "6.1.0-56-amd64";
    private static final String BASE = "debian-" + RELEASE + "/";

    private EmbeddedKernel() {
    }

    /** Writes the kernel's files under {@code root}; returns the release. */
    public static String writeTree(Path root) throws ErrnoException {
        Path modules = root.resolve("lib/modules").resolve(RELEASE);
        try {
            Files.createDirectories(modules);
            Files.createDirectories(root.resolve("boot"));
            Files.write(root.resolve("boot/config-" + RELEASE), resource("config", false));
            Files.write(root.resolve(KernelDescription.TRUSTED_KEYS + RELEASE), resource("trusted-keys", false));
            Files.write(root.resolve("Module.symvers"), resource("Module.symvers.xz", true));
            Files.write(modules.resolve("modules.builtin"), resource("modules.builtin", false));
            Files.write(modules.resolve("modules.builtin.modinfo"), resource("modules.builtin.modinfo.xz", true));
            if (!Files.exists(modules.resolve("modules.order"))) {
                Files.createFile(modules.resolve("modules.order"));  // modules added later are out-of-tree
            }
        } catch (IOException e) {
            throw ErrnoException.of(e, root.toString());
        }
        return RELEASE;
    }

    private static byte[] resource(String name, boolean xz) throws IOException {
        try (InputStream in = EmbeddedKernel.class.getResourceAsStream(BASE + name)) {
            if (in == null) {
                throw new ErrnoException(Errno.ENOENT, "embedded kernel file " + name + " missing from the build");
            }
            byte[] bytes = in.readAllBytes();
            if (!xz) {
                return bytes;
            }
            ByteBuffer b = Compression.XZ.decompress(bytes);
            byte[] out = new byte[b.remaining()];
            b.get(out);
            return out;
        }
    }
}
