package org.modstack.kernel;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.modstack.Errno;
import org.modstack.ErrnoException;
import org.modstack.module.Compression;

/**
 * A kernel modstack carries with it, so that a virtual kernel needs no download: one Debian kernel
 * of each generation {@code scripts/debian-packages.lock} pins, as far as module loading sees it
 * (the loader's configuration options, vmlinux's exports with their CRCs, the built-in modules, the
 * id of the key its modules are signed with). Written out as a tree root that
 * {@link KernelDescription#fromTree} reads; modules go in its {@code lib/modules/<release>/}.
 *
 * <p>Each kernel's files are resources under {@code /org/modstack/kernel/embedded-kernel/<version>/},
 * release included; {@code scripts/embedded-kernel-resources} makes them from Debian's packages
 * (scripts/repin).
 */
public final class EmbeddedKernel {
    private static final String BASE = "/org/modstack/kernel/embedded-kernel/";

    /** The carried kernels, oldest first. */
    public static final List<EmbeddedKernel> ALL = List.of(
            new EmbeddedKernel("5.10", "debian-11", "bullseye"),
            new EmbeddedKernel("6.1", "debian-12", "bookworm"),
            new EmbeddedKernel("6.12", "debian-13", "trixie"),
            new EmbeddedKernel("7.2", "debian-14", "forky"));

    /** The kernel used when none is named: Debian's current stable (trixie). */
    public static final EmbeddedKernel DEFAULT = named("6.12").orElseThrow();

    private final String version;
    private final List<String> names;
    private final String release;

    private EmbeddedKernel(String version, String... names) {
        this.version = version;
        this.names = List.of(names);
        this.release = readRelease(version);
    }

    /** The carried kernel {@code spec} names: its release, its version ({@code 6.12}), {@code debian-13} or {@code trixie}. */
    public static Optional<EmbeddedKernel> named(String spec) {
        return ALL.stream().filter(k -> k.answersTo(spec)).findFirst();
    }

    /** Every name a carried kernel answers to, for messages. */
    public static String names() {
        return String.join(", ", ALL.stream().map(k -> k.version + " (" + k.release + ")").toList());
    }

    /** Whether {@code spec} names this kernel. */
    public boolean answersTo(String spec) {
        return spec.equals(release) || spec.equals(version) || names.contains(spec);
    }

    /** The kernel release ({@code uname -r}). */
    public String release() {
        return release;
    }

    /** The version it stands for, as {@code 6.12}. */
    public String version() {
        return version;
    }

    /** Writes the kernel's files under {@code root}; returns the release. */
    public String write(Path root) throws ErrnoException {
        Path modules = root.resolve("lib/modules").resolve(release);
        try {
            Files.createDirectories(modules);
            Files.createDirectories(root.resolve("boot"));
            Files.write(root.resolve("boot/config-" + release), resource("config", false));
            Files.write(root.resolve(KernelDescription.TRUSTED_KEYS + release), resource("trusted-keys", false));
            Files.write(root.resolve(KernelDescription.SYS_MODULE + release), resource("sys-module", false));
            Files.write(root.resolve(KernelDescription.SIGNING_CERTIFICATE + release + ".der"),
                    resource("signing-certificate.der", false));
            Files.write(root.resolve("Module.symvers"), resource("Module.symvers.xz", true));
            Files.write(modules.resolve("modules.builtin"), resource("modules.builtin", false));
            Files.write(modules.resolve("modules.builtin.modinfo"), resource("modules.builtin.modinfo.xz", true));
            if (!Files.exists(modules.resolve("modules.order"))) {
                Files.createFile(modules.resolve("modules.order"));  // modules added later are out-of-tree
            }
        } catch (IOException e) {
            throw ErrnoException.of(e, root.toString());
        }
        return release;
    }

    /** What a check needs of the kernel's in-tree modules (resource {@code in-tree-modules.xz}). */
    public InTreeModules inTree() throws ErrnoException {
        try {
            return InTreeModules.read(new ByteArrayInputStream(resource("in-tree-modules.xz", true)));
        } catch (IOException e) {
            throw ErrnoException.of(e, "embedded kernel file " + version + "/in-tree-modules.xz");
        }
    }

    /** The directories the real kernel's {@code /sys/module} has right after boot (resource {@code sys-module}). */
    Optional<Set<String>> sysModule() {
        try {
            String text = new String(resource("sys-module", false), StandardCharsets.US_ASCII);
            return Optional.of(Set.copyOf(KernelDescription.lines(text)));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The certificate the kernel verifies module signatures with (resource {@code signing-certificate.der}). */
    Optional<SigningCertificate> certificate() {
        try {
            return SigningCertificate.parse(resource("signing-certificate.der", false));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** {@link #write} of the default kernel. */
    public static String writeTree(Path root) throws ErrnoException {
        return DEFAULT.write(root);
    }

    private static String readRelease(String version) {
        try {
            return new String(read(version, "release", false), StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private byte[] resource(String name, boolean xz) throws IOException {
        return read(version, name, xz);
    }

    private static byte[] read(String version, String name, boolean xz) throws IOException {
        try (InputStream in = EmbeddedKernel.class.getResourceAsStream(BASE + version + "/" + name)) {
            if (in == null) {
                throw new ErrnoException(Errno.ENOENT, "embedded kernel file " + version + "/" + name
                        + " missing from the build");
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
