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
 * The kernel modstack carries with it, so that a virtual kernel needs no download: the Debian 12
 * kernel {@code scripts/debian-packages.lock} pins, as far as module loading sees it
 * (the loader's configuration options, vmlinux's exports with their CRCs, the built-in modules, the
 * id of the key its modules are signed with). Written out as a tree root that
 * {@link KernelDescription#fromTree} reads; modules go in its {@code lib/modules/<release>/}.
 *
 * <p>The files are resources under {@code /org/modstack/kernel/embedded-kernel/}, release included;
 * {@code scripts/embedded-kernel-resources} makes them from Debian's packages (scripts/repin).
 */
public final class EmbeddedKernel {
    private static final String BASE = "/org/modstack/kernel/embedded-kernel/";
    /** The embedded kernel's release (resource {@code embedded-kernel/release}). */
    public static final String RELEASE = readRelease();

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

    /** What a check needs of the kernel's in-tree modules (resource {@code in-tree-modules.xz}). */
    public static InTreeModules inTreeModules() throws ErrnoException {
        try {
            return InTreeModules.read(new java.io.ByteArrayInputStream(resource("in-tree-modules.xz", true)));
        } catch (IOException e) {
            throw ErrnoException.of(e, "embedded kernel file in-tree-modules.xz");
        }
    }

    private static String readRelease() {
        try {
            return new String(resource("release", false), java.nio.charset.StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
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
