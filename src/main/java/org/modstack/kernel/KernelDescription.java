package org.modstack.kernel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.StringTokenizer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.modstack.Errno;
import org.modstack.ErrnoException;
import org.modstack.depmod.KernelSymbols;
import org.modstack.modprobe.ModuleDirectory;
import org.modstack.module.KernelModule;
import org.modstack.module.ModuleSignature;

/**
 * What a kernel brings to module loading: its release and vermagic, the configuration options
 * that matter, the symbols vmlinux exports, its built-in modules, the key it trusts, and the
 * command line it was booted with.
 *
 * <p>Built from a root directory laid out as an installed Debian system: {@code boot/config-<r>}
 * (or 7.x's {@code lib/modules/<r>/config}),
 * {@code lib/modules/<r>/} (modules, {@code modules.builtin*}) and a {@code Module.symvers}
 * (at the root, in {@code lib/modules/<r>/build/} or in {@code usr/src/linux-headers-<r>/}).
 *
 * <p>What only loading needs (the configuration, vmlinux's exports, the vermagic and key learnt
 * from the kernel's own modules) is read on first use: lsmod and rmmod do not pay for it.
 *
 * @param root the directory it was built from (modprobe finds modules under it)
 * @param release the kernel release ({@code uname -r})
 * @param moduleDirectory {@code lib/modules/<release>} under the root, for built-in modules
 * @param cmdline the kernel command line
 * @param linkage the loader's configuration and vmlinux's side of linking a module, read on first use
 */
public record KernelDescription(Path root, String release, ModuleDirectory moduleDirectory, String cmdline,
                                Linkage linkage) {

    /**
     * The loader's configuration options, vmlinux's exports, the vermagic and the trusted keys:
     * read once, when first asked for.
     */
    public static final class Linkage {
        private final String release;
        private final Path configFile;
        private final Path symvers;
        private final Path keysFile;
        private final Path modules;
        private final Path sysModuleFile;
        private final Path certificateFile;
        private Set<String> enabledOptions;
        private KernelConfig config;
        private Map<String, KernelSymbol> exports;
        private Optional<SigningCertificate> certificate;
        private Optional<Set<String>> sysModule;
        private String vermagic;
        private Set<String> keys;
        private Supplier<Optional<Kept>> kept;  // null: nothing kept, or taken

        Linkage(Path root, String release, Path configFile, Path symvers) {
            this.release = release;
            this.configFile = configFile;
            this.symvers = symvers;
            this.keysFile = root.resolve(TRUSTED_KEYS + release);
            this.modules = root.resolve("lib/modules").resolve(release);
            this.sysModuleFile = root.resolve(SYS_MODULE + release);
            this.certificateFile = root.resolve(SIGNING_CERTIFICATE + release + ".der");
        }

        /** The loader's configuration: lsmod never needs it, nor rmmod without -f. */
        synchronized KernelConfig config() {
            if (config == null && !adoptKept()) {
                config = KernelConfig.of(enabledOptions());
            }
            return config;
        }

        /** The {@code .config} options set to {@code y}. */
        private synchronized Set<String> enabledOptions() {
            if (enabledOptions == null) {
                try {
                    enabledOptions = KernelConfig.enabled(Files.readAllBytes(configFile));
                } catch (IOException e) {
                    throw new UncheckedIOException(ErrnoException.of(e, configFile.toString()));
                }
            }
            return enabledOptions;
        }

        /** The certificate the kernel verifies signatures with: the root's, or a carried kernel's; empty when unknown. */
        synchronized Optional<SigningCertificate> certificate() {
            if (certificate == null) {
                try {
                    certificate = Files.exists(certificateFile)
                            ? SigningCertificate.parse(Files.readAllBytes(certificateFile))
                            : EmbeddedKernel.named(release).flatMap(EmbeddedKernel::certificate);
                } catch (IOException e) {
                    throw new UncheckedIOException(ErrnoException.of(e, certificateFile.toString()));
                }
            }
            return certificate;
        }

        /**
         * The directories {@code /sys/module} has right after boot, as the real kernel showed them
         * (a carried kernel's list, or the file the root has); empty when neither is known.
         */
        synchronized Optional<Set<String>> sysModule() {
            if (sysModule == null && !adoptKept()) {
                sysModule = Files.exists(sysModuleFile) ? Optional.of(Set.copyOf(lines(sysModuleFile)))
                        : EmbeddedKernel.named(release).flatMap(EmbeddedKernel::sysModule);
            }
            return sysModule;
        }

        /**
         * What a virtual kernel's store kept of this at boot (KernelStore): taken on first use
         * instead of reading the tree and the carried kernels, which costs an insmod more than the
         * rest of its work.
         */
        record Kept(KernelConfig config, Map<String, KernelSymbol> exports, String vermagic, Set<String> keys,
                    Optional<Set<String>> sysModule) {
        }

        synchronized void keptBy(Supplier<Optional<Kept>> source) {
            kept = source;
        }

        /** Takes what the store kept, when it kept something: whether it did. */
        private boolean adoptKept() {
            if (kept == null) {
                return false;
            }
            Optional<Kept> k = kept.get();
            kept = null;
            if (k.isEmpty()) {
                return false;
            }
            Kept v = k.get();
            config = v.config();
            exports = v.exports();
            vermagic = v.vermagic();
            keys = v.keys();
            sysModule = v.sysModule();
            return true;
        }

        synchronized Map<String, KernelSymbol> exports() {
            if (exports == null && !adoptKept()) {
                Map<String, KernelSymbol> out = new HashMap<>();
                try {
                    for (KernelSymbols.SymversExport e : KernelSymbols.vmlinuxExports(symvers)) {
                        out.put(e.name(), new KernelSymbol(e.name(), e.gplOnly(), e.namespace(), OptionalLong.of(e.crc())));
                    }
                } catch (ErrnoException e) {
                    throw new UncheckedIOException(e);
                }
                exports = Map.copyOf(out);
            }
            return exports;
        }

        synchronized String vermagic() {
            sample();
            return vermagic;
        }

        synchronized Set<String> keys() {
            sample();
            return keys;
        }

        /** The first in-tree module tells the vermagic and the signing key the kernel was built with. */
        private void sample() {
            if (keys != null || adoptKept()) {
                return;
            }
            Set<String> found = new HashSet<>(trustedKeys(keysFile));
            Optional<KernelModule> m = inTreeModule(modules);
            m.flatMap(KernelModule::signature).ifPresent(sig -> found.add(hex(sig.keyId())));
            vermagic = m.flatMap(KernelModule::vermagic).orElseGet(() -> composeVermagic(release, enabledOptions()));
            keys = Set.copyOf(found);
        }
    }

    /** The modinfo keys that give a built-in module a {@code /sys/module} directory. */
    private static final Set<String> SYSFS_KEYS = Set.of("parmtype", "version");

    /** The loader's configuration options. */
    public KernelConfig config() {
        return linkage.config();
    }

    /** The loader rules of this kernel's generation. */
    public LoaderRules rules() {
        return LoaderRules.of(release);
    }

    /** vmlinux's exports by name. */
    public Map<String, KernelSymbol> exports() {
        return linkage.exports();
    }

    /** The version magic modules must carry. */
    public String vermagic() {
        return linkage.vermagic();
    }

    /** The signing key ids the kernel trusts, hex. */
    public Set<String> trustedKeyIds() {
        return linkage.keys();
    }

    /**
     * A file of ours, {@code boot/modstack-trusted-keys-<release>}: key ids (hex, one a line) the
     * kernel trusts, for a tree that has no signed module to learn them from.
     */
    static final String TRUSTED_KEYS = "boot/modstack-trusted-keys-";

    /**
     * Where a root may list, one a line, the directories {@code /sys/module} holds right after the
     * kernel boots (built-in modules' parameters and versions, built-in drivers): what a carried
     * kernel records from the real kernel under qemu.
     */
    static final String SYS_MODULE = "boot/modstack-sys-module-";

    /** Where a root may keep the certificate (DER) its kernel verifies module signatures with. */
    static final String SIGNING_CERTIFICATE = "boot/modstack-signing-certificate-";

    /**
     * Reads the kernel installed under {@code root}; {@code release} may be null when
     * {@code root/lib/modules} holds exactly one release. The files only loading needs are found
     * now and read on first use ({@link UncheckedIOException} naming the one that cannot be read).
     *
     * @throws ErrnoException naming the file that is missing or unreadable
     */
    public static KernelDescription fromTree(Path root, String release, String cmdline) throws ErrnoException {
        String rel = release != null ? release : onlyRelease(root);
        Path modules = root.resolve("lib/modules").resolve(rel);
        // 7.x packages keep the config beside the modules, not in /boot
        Path config = firstExisting(root, rel, "boot/config-" + rel, "lib/modules/" + rel + "/config",
                "usr/src/linux-headers-" + rel + "/.config", "lib/modules/" + rel + "/build/.config");
        // lib/modules/<r>/build is an absolute link: under another root it would leave the tree
        Path symvers = firstExisting(root, rel, "Module.symvers", "usr/src/linux-headers-" + rel + "/Module.symvers",
                "lib/modules/" + rel + "/build/Module.symvers", "boot/symvers-" + rel);
        return new KernelDescription(root, rel, ModuleDirectory.of(modules.toString()), cmdline == null ? "" : cmdline,
                new Linkage(root, rel, config, symvers));
    }

    private static List<String> trustedKeys(Path file) {
        return Files.exists(file) ? lines(file) : List.of();
    }

    /** A file's non-blank lines, stripped. */
    private static List<String> lines(Path file) {
        try {
            return lines(Files.readString(file, StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            // read lazily, where no checked exception fits: the tool still prints path and strerror
            throw new UncheckedIOException(ErrnoException.of(e, file.toString()));
        }
    }

    /** A text's non-blank lines, stripped: the shape of the kernel lists a root or a carried kernel keeps. */
    static List<String> lines(String text) {
        return text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    /** The names {@code module_blacklist=} lists on the command line. */
    public List<String> moduleBlacklist() {
        List<String> out = new ArrayList<>();
        // split on \s as a tokenizer, not a pattern: its character class links lambdas, which insmod does not
        StringTokenizer words = new StringTokenizer(cmdline.trim(), " \t\n\u000B\f\r");
        while (words.hasMoreTokens()) {
            String word = words.nextToken();
            if (word.startsWith("module_blacklist=")) {
                out.addAll(List.of(word.substring("module_blacklist=".length()).split(",")));
            }
        }
        return out;
    }

    /** Whether module {@code name} is built into the kernel ({@code modules.builtin}). */
    public boolean isBuiltin(String name) {
        try {
            return moduleDirectory.isBuiltin(name);
        } catch (ErrnoException e) {
            return false;
        }
    }

    /**
     * Whether built-in module {@code name} has a {@code /sys/module} directory: the real kernel's
     * list when known, else a guess from modinfo (it has parameters or a version; wrong where a
     * parameter's prefix is not its module's name, or a built-in driver registers one).
     */
    public boolean builtinHasSysfs(String name) {
        Optional<Set<String>> known = linkage.sysModule();
        if (known.isPresent()) {
            return known.get().contains(name);
        }
        try {
            return moduleDirectory.builtinModinfo(name).orElse(List.of()).stream()
                    .anyMatch(r -> SYSFS_KEYS.contains(r.substring(0, Math.max(0, r.indexOf('=')))));
        } catch (ErrnoException e) {
            return false;
        }
    }

    /** The built-in modules with a {@code /sys/module} directory, as {@link #builtinHasSysfs} tells each. */
    public Set<String> builtinsWithSysfs() {
        Optional<Set<String>> known = linkage.sysModule();
        if (known.isPresent()) {
            return known.get();
        }
        try {
            return moduleDirectory.builtinModinfoModules().stream().filter(this::builtinHasSysfs)
                    .collect(Collectors.toSet());
        } catch (ErrnoException e) {
            return Set.of();
        }
    }

    private static String onlyRelease(Path root) throws ErrnoException {
        List<String> releases = new ArrayList<>();
        try (DirectoryStream<Path> d = Files.newDirectoryStream(root.resolve("lib/modules"))) {
            d.forEach(p -> releases.add(p.getFileName().toString()));
        } catch (IOException e) {
            throw ErrnoException.of(e, root.resolve("lib/modules").toString());
        }
        if (releases.size() != 1) {
            throw new ErrnoException(Errno.EINVAL, root.resolve("lib/modules") + ": " + releases.size()
                    + " kernel releases; name one");
        }
        return releases.get(0);
    }

    private static Path firstExisting(Path root, String rel, String... candidates) throws ErrnoException {
        for (String c : candidates) {
            Path p = root.resolve(c);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new ErrnoException(Errno.ENOENT, root.resolve(candidates[0]) + ": no such file (kernel " + rel + ")");
    }

    /** The first module modules.dep names: an in-tree module, built and signed with the kernel. */
    private static Optional<KernelModule> inTreeModule(Path modules) {
        try (var lines = Files.lines(modules.resolve("modules.dep"), StandardCharsets.ISO_8859_1)) {
            Optional<String> first = lines.map(l -> l.substring(0, Math.max(0, l.indexOf(':'))))
                    .filter(p -> p.startsWith("kernel/")).findFirst();
            return first.isPresent() ? Optional.of(KernelModule.open(modules.resolve(first.get()))) : Optional.empty();
        } catch (IOException | UncheckedIOException e) {
            return Optional.empty();  // no readable in-tree module: no key or vermagic to learn from it
        }
    }

    /** VERMAGIC_STRING as include/linux/vermagic.h builds it, for a tree without modules. */
    private static String composeVermagic(String release, Set<String> enabled) {
        return release + " " + (enabled.contains("CONFIG_SMP") ? "SMP " : "")
                + (enabled.contains("CONFIG_PREEMPT_BUILD") ? "preempt " : "")
                + (enabled.contains("CONFIG_MODULE_UNLOAD") ? "mod_unload " : "")
                + (enabled.contains("CONFIG_MODVERSIONS") ? "modversions " : "");
    }

    static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) {
            sb.append(String.format("%02x", b & 0xff));
        }
        return sb.toString();
    }

    /** Whether {@code signature}'s key is one this kernel trusts. */
    boolean trusts(ModuleSignature signature) {
        return trustedKeyIds().contains(hex(signature.keyId()));
    }

    /**
     * Whether a trusted key's signature holds for {@code content}: checked when the kernel's
     * certificate is known and names that key, else taken on the key id alone.
     */
    boolean verifies(ModuleSignature signature, ByteBuffer content) {
        Optional<SigningCertificate> cert = linkage.certificate().filter(c -> c.issued(signature));
        return cert.isEmpty() || cert.get().verifies(signature, content);
    }
}
