package org.modstack.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongUnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.modstack.Fixtures;
import org.modstack.cli.Main;

/**
 * {@code modprobe --show-modversions}, {@code --dump-modversions} and {@code --show-exports}
 * against kmod's on every module of real Debian trees, on damaged files and on arguments that
 * name no file.
 *
 * <p>kmod reads one file per invocation in these modes, so its side is one shell loop per
 * chunk of files, each output followed by a line with the exit status on stdout and a marker
 * line on stderr; modstack's side calls the mode's method in-process with the same framing,
 * and the two transcripts are compared whole. The methods are called directly rather than
 * through {@code Main}, which dispatches modprobe elsewhere; their class is package-private in
 * {@code org.modstack.cli}, hence the reflection.
 */
@Tag("conformance")
class ModprobeSymbolsConformanceTest {

    static final List<String> TREES = List.of("amd64", "armhf", "s390x");
    static final List<String> MODES = List.of("--show-modversions", "--dump-modversions", "--show-exports");

    /** One shell per chunk: kmod's start-up dominates, so chunks run side by side. */
    private static final int SHELLS = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));

    private static final String LOOP = "while IFS= read -r f; do (exec -a modprobe \"$0\" \"$@\" \"$f\"); s=$?; "
            + "printf '=== %s %s\\n' \"$s\" \"$f\"; printf '=== %s\\n' \"$f\" >&2; done";

    static Stream<Arguments> treesAndModes() {
        List<Arguments> out = new ArrayList<>();
        for (String tree : TREES) {
            for (String mode : MODES) {
                out.add(Arguments.of(tree, mode));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("treesAndModes")
    void everyModuleMatchesKmod(String treeName, String mode) throws Exception {
        Trees.Tree tree = Trees.require(treeName);
        List<String> files = tree.modules().stream().map(Path::toString).toList();
        Kmod.Run kmod = real(List.of(mode), files);
        Kmod.Run ours = ours(List.of(mode), files);
        assertThat(kmod.out().length).as("kmod printed something").isPositive();
        Comparison.assertSame("modprobe " + mode + " on " + treeName, kmod, ours);
        long listed = kmod.outText().lines().filter(l -> l.startsWith("=== 0 ")).count();
        assertThat(listed).as("modules kmod listed without error").isPositive();
        System.out.printf("conformance: modprobe %s on %s: %d modules, 0 mismatches (%d exit 0, %d failed; %d bytes)%n",
                mode, treeName, files.size(), listed, files.size() - listed, kmod.out().length);
    }

    /**
     * 7.x modules have no {@code __versions} (Debian's 7.2 has {@code CONFIG_MODVERSIONS} off) and
     * no {@code __crc_} symbols: libkmod's error for the missing section is {@code ENOENT} in kmod
     * 30 and {@code ENODATA} in kmod 34, and modstack says the one of the {@code --kmod-version}
     * it follows. On the 7.2 tree's modules directly in drivers/net and drivers/net/vxlan
     * (exporting ones among them), both ways.
     */
    @ParameterizedTest(name = "kmod {0}")
    @ValueSource(ints = {30, 34})
    void modulesWithoutVersionsFailWithTheReleasesErrno(int version) throws Exception {
        Trees.Tree tree = Trees.require("amd64-7.2");
        Path net = tree.moduleDir().resolve("kernel/drivers/net");
        List<String> files = tree.modules().stream()
                .filter(f -> f.getParent().equals(net) || f.getParent().equals(net.resolve("vxlan")))
                .map(Path::toString).toList();
        List<String> command = version == 30 ? List.of(Kmod.binary().toString()) : Kmod34.kmod34("modprobe");
        for (String mode : MODES) {
            Kmod.Run kmod = real(command, List.of(mode), files);
            assertThat(kmod.errText()).as("kmod %d's modprobe %s", version, mode)
                    .contains(version == 30 ? ": No such file or directory\n" : ": No data available\n");
            Comparison.assertSame("modprobe " + mode + " (kmod " + version + ") on 7.2's drivers/net", kmod,
                    ours(List.of("--kmod-version=" + version, mode), files));
        }
        System.out.printf("conformance: modprobe --show-modversions/--dump-modversions/--show-exports, kmod %d, on %d"
                + " modules of the 7.2 tree (no __versions): 0 mismatches%n", version, files.size());
        assertThat(files).as("7.2's drivers/net modules").hasSizeGreaterThan(20);
    }

    /** Damaged files, our sample modules, and arguments kmod does not take for a module file. */
    @Test
    void damagedFilesAndOddArgumentsMatchKmod(@TempDir Path dir) throws Exception {
        Trees.Tree tree = Trees.require("amd64");
        List<String> files = oddArguments(dir, tree);
        for (String mode : MODES) {
            Kmod.Run kmod = real(List.of(mode), files);
            Comparison.assertSame("modprobe " + mode + " on damaged files", kmod, ours(List.of(mode), files));
        }
        System.out.printf("conformance: modprobe --show-modversions/--dump-modversions/--show-exports on %d damaged "
                + "files and odd arguments: 0 mismatches%n", files.size());
    }

    /** {@code -a} turns the FATAL into a WARNING; {@code -q} silences it unless {@code -v} brings it back. */
    @Test
    void logOptionsChangeOnlyTheMessageAsInKmod(@TempDir Path dir) throws Exception {
        Trees.Tree tree = Trees.require("amd64");
        List<String> files = oddArguments(dir, tree);
        List<List<String>> variants = List.of(List.of("-a"), List.of("-q"), List.of("-a", "-q"),
                List.of("-q", "-v", "-v"), List.of("-a", "-q", "-v", "-v", "-v"),
                List.of("-a", "-q", "-v", "-v", "-v", "-v"), List.of("-v"));
        for (List<String> v : variants) {
            for (String mode : List.of("--show-modversions", "--show-exports")) {
                List<String> options = new ArrayList<>(v);
                options.add(mode);
                Comparison.assertSame("modprobe " + String.join(" ", options) + " on damaged files",
                        real(options, files), ours(options, files));
            }
        }
        System.out.printf("conformance: modprobe -a/-q/-v with --show-modversions/--show-exports: %d variants on %d "
                + "files, 0 mismatches%n", variants.size(), files.size());
    }

    /** Defects in the tables these modes read, made in amd64's fuse.ko (ELF64, little-endian). */
    @Test
    void defectsInTheTablesReadMatchKmod(@TempDir Path dir) throws Exception {
        Trees.Tree tree = Trees.require("amd64");
        Path fuse = tree.modules().stream().filter(p -> p.toString().endsWith("/fuse.ko")).findFirst().orElseThrow();
        List<String> files = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : tableDefects(Files.readAllBytes(fuse)).entrySet()) {
            files.add(Files.write(dir.resolve(e.getKey()), e.getValue()).toString());
        }
        for (String mode : MODES) {
            Comparison.assertSame("modprobe " + mode + " on table defects", real(List.of(mode), files),
                    ours(List.of(mode), files));
        }
        System.out.printf("conformance: modprobe --show-modversions/--dump-modversions/--show-exports on %d table "
                + "defects: 0 mismatches%n", files.size());
    }

    private static Map<String, byte[]> tableDefects(byte[] good) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        out.put("versions-ragged.ko", new Elf64(good).size("__versions", s -> s - 1).bytes());
        out.put("versions-empty.ko", new Elf64(good).size("__versions", s -> 0L).bytes());
        out.put("versions-one.ko", new Elf64(good).size("__versions", s -> 64L).bytes());
        out.put("versions-unnamed.ko", new Elf64(good).name("__versions", 0x7fffffff).bytes());
        out.put("versions-outside.ko", new Elf64(good).offset("__versions", o -> 1L << 40).bytes());
        out.put("versions-dot.ko", new Elf64(good).fill("__versions", 8, 1, (byte) '.').bytes());
        out.put("symtab-unnamed.ko", new Elf64(good).name(".symtab", 0x7fffffff).bytes());
        out.put("symtab-ragged.ko", new Elf64(good).size(".symtab", s -> s - 1).bytes());
        out.put("strtab-unnamed.ko", new Elf64(good).name(".strtab", 0x7fffffff).bytes());
        out.put("strtab-short.ko", new Elf64(good).size(".strtab", s -> s / 2).bytes());
        out.put("no-crc-symbols.ko", new Elf64(good).renameSymbols("__crc_", (byte) 'X').bytes());
        out.put("no-exports.ko", new Elf64(good).name(".symtab", 0x7fffffff).name("__ksymtab_strings", 0x7fffffff).bytes());
        out.put("ksymtab-strings-empty.ko", new Elf64(good).name(".symtab", 0x7fffffff)
                .size("__ksymtab_strings", s -> 0L).bytes());
        out.put("ksymtab-strings-one-byte.ko", new Elf64(good).name(".symtab", 0x7fffffff)
                .size("__ksymtab_strings", s -> 1L).bytes());
        out.put("ksymtab-strings-unterminated.ko", new Elf64(good).name(".symtab", 0x7fffffff)
                .size("__ksymtab_strings", s -> s - 1).bytes());
        out.put("ksymtab-strings-leading-nuls.ko", new Elf64(good).name(".symtab", 0x7fffffff)
                .fill("__ksymtab_strings", 0, 12, (byte) 0).bytes());
        out.put("crc-absolute.ko", new Elf64(good).symbol("__crc_fuse_len_args", 0xfff1, 0x1234_5678_9abcL).bytes());
        out.put("crc-undefined.ko", new Elf64(good).symbol("__crc_fuse_len_args", 0, 7).bytes());
        out.put("crc-past-section.ko", new Elf64(good).symbol("__crc_fuse_len_args", -1, 0x69).bytes());
        out.put("crc-last-word.ko", new Elf64(good).symbol("__crc_fuse_len_args", -1, 0x68).bytes());
        out.put("crc-huge-offset.ko", new Elf64(good).symbol("__crc_fuse_len_args", -1, -8L).bytes());
        out.put("crc-section-outside.ko", new Elf64(good).offset("__kcrctab_gpl", o -> 1L << 40).bytes());
        return out;
    }

    /**
     * A {@code __crc_} symbol in a reserved section index past the section table: kmod 30 dies on
     * an assertion (exit 134) before it prints a line; modstack prints the
     * all-ones CRC that libkmod's own range check returns when assertions are compiled out.
     */
    @Test
    void crcInAReservedSectionIsAllOnesWhereKmodAborts(@TempDir Path dir) throws Exception {
        Trees.Tree tree = Trees.require("amd64");
        Path fuse = tree.modules().stream().filter(p -> p.toString().endsWith("/fuse.ko")).findFirst().orElseThrow();
        Path bad = Files.write(dir.resolve("crc-common.ko"),
                new Elf64(Files.readAllBytes(fuse)).symbol("__crc_fuse_len_args", 0xfff2, 0).bytes());
        Kmod.Run kmod = real(List.of("--show-exports"), List.of(bad.toString()));
        assertThat(kmod.outText()).isEqualTo("=== 134 " + bad + "\n");
        assertThat(kmod.errText()).contains("Assertion");
        Kmod.Run ours = ours(List.of("--show-exports"), List.of(bad.toString()));
        assertThat(ours.errText()).isEqualTo("=== " + bad + "\n");
        assertThat(ours.outText()).startsWith("0xffffffffffffffff\tfuse_len_args\n0x8388af39\tfuse_get_unique\n")
                .endsWith("=== 0 " + bad + "\n");
    }

    /** A copy of a 64-bit little-endian ELF image with section and symbol fields rewritten. */
    private static final class Elf64 {
        private final byte[] b;
        private final ByteBuffer buf;

        Elf64(byte[] image) {
            b = image.clone();
            buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        }

        byte[] bytes() {
            return b;
        }

        private int header(int index) {
            return (int) buf.getLong(40) + index * 64;
        }

        private int index(String name) {
            int names = header(Short.toUnsignedInt(buf.getShort(62)));
            int namesAt = (int) buf.getLong(names + 24);
            for (int i = 1; i < Short.toUnsignedInt(buf.getShort(60)); i++) {
                int at = namesAt + buf.getInt(header(i));
                if (at >= 0 && at < b.length && cstring(at).equals(name)) {
                    return i;
                }
            }
            throw new IllegalArgumentException("no section " + name);
        }

        private String cstring(int at) {
            int end = at;
            while (end < b.length && b[end] != 0) {
                end++;
            }
            return new String(b, at, end - at, StandardCharsets.ISO_8859_1);
        }

        Elf64 name(String section, int nameOffset) {
            buf.putInt(header(index(section)), nameOffset);
            return this;
        }

        Elf64 size(String section, LongUnaryOperator f) {
            int h = header(index(section));
            buf.putLong(h + 32, f.applyAsLong(buf.getLong(h + 32)));
            return this;
        }

        Elf64 offset(String section, LongUnaryOperator f) {
            int h = header(index(section));
            buf.putLong(h + 24, f.applyAsLong(buf.getLong(h + 24)));
            return this;
        }

        /** Sets {@code n} bytes of the section's contents, from {@code at} on, to {@code value}. */
        Elf64 fill(String section, int at, int n, byte value) {
            int start = (int) buf.getLong(header(index(section)) + 24) + at;
            Arrays.fill(b, start, start + n, value);
            return this;
        }

        private int[] symtab() {
            int sym = header(index(".symtab"));
            int str = header(index(".strtab"));
            return new int[] {(int) buf.getLong(sym + 24), (int) buf.getLong(sym + 32), (int) buf.getLong(str + 24)};
        }

        /** Rewrites a symbol's {@code st_shndx} (unless negative) and {@code st_value}. */
        Elf64 symbol(String name, int shndx, long value) {
            int[] t = symtab();
            for (int at = t[0] + 24; at < t[0] + t[1]; at += 24) {
                if (cstring(t[2] + buf.getInt(at)).equals(name)) {
                    if (shndx >= 0) {
                        buf.putShort(at + 6, (short) shndx);
                    }
                    buf.putLong(at + 8, value);
                    return this;
                }
            }
            throw new IllegalArgumentException("no symbol " + name);
        }

        /** Overwrites the first byte of every symbol name starting with {@code prefix}. */
        Elf64 renameSymbols(String prefix, byte first) {
            int[] t = symtab();
            for (int at = t[0] + 24; at < t[0] + t[1]; at += 24) {
                int nameAt = t[2] + buf.getInt(at);
                if (cstring(nameAt).startsWith(prefix)) {
                    b[nameAt] = first;
                }
            }
            return this;
        }
    }

    private static List<String> oddArguments(Path dir, Trees.Tree tree) throws IOException {
        Path signed = tree.modules().stream().filter(p -> p.toString().endsWith("/fuse.ko")).findFirst().orElseThrow();
        Map<String, Path> bad = BadModuleFiles.write(dir, Fixtures.module("chain_a"), signed);
        List<String> files = new ArrayList<>();
        bad.values().forEach(p -> files.add(p.toString()));
        try (Stream<Path> samples = Files.list(Fixtures.module("chain_a").getParent())) {
            samples.sorted().forEach(p -> files.add(p.toString()));
        }
        Path cwd = Path.of("").toAbsolutePath();
        files.add(cwd.relativize(Fixtures.module("stack_core")).toString());   // relative to the working directory
        files.add(signed.getParent() + "/../fuse/./fuse.ko");
        Path copy = Files.write(dir.resolve("fuse"), Files.readAllBytes(signed));   // no suffix
        files.add(copy.toString());
        files.add(Files.createSymbolicLink(dir.resolve("link.ko"), copy).toString());
        files.add(Files.createSymbolicLink(dir.resolve("dangling.ko"), dir.resolve("nowhere.ko")).toString());
        files.add("fuse");                          // a module name, not a path
        files.add("no-such-module");
        files.add("");
        files.add(dir.toString());                  // a directory
        files.add(dir + "/");                       // a directory with an empty last component
        files.add(signed + "/");                    // a file with a trailing slash
        files.add(".");
        files.add("/dev/null");
        files.add("/etc/hostname");
        return files;
    }

    /** kmod's side: the loop over {@code files}, in {@link #SHELLS} chunks, transcripts joined in order. */
    static Kmod.Run real(List<String> options, List<String> files) throws Exception {
        return real(List.of(Kmod.binary().toString()), options, files);
    }

    /** As {@link #real(List, List)} with the kmod that {@code command} runs as modprobe. */
    static Kmod.Run real(List<String> command, List<String> options, List<String> files) throws Exception {
        int chunks = Math.min(SHELLS, Math.max(1, files.size() / 64));
        List<CompletableFuture<Kmod.Run>> runs = new ArrayList<>();
        for (int c = 0; c < chunks; c++) {
            List<String> part = files.subList(files.size() * c / chunks, files.size() * (c + 1) / chunks);
            runs.add(CompletableFuture.supplyAsync(() -> loop(command, options, part)));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        for (CompletableFuture<Kmod.Run> r : runs) {
            Kmod.Run run = r.join();
            assertThat(run.status()).as("the kmod loop's shell").isZero();
            out.write(run.out());
            err.write(run.err());
        }
        return new Kmod.Run(out.toByteArray(), err.toByteArray(), 0);
    }

    private static Kmod.Run loop(List<String> command, List<String> options, List<String> files) {
        List<String> cmd = new ArrayList<>(List.of("bash", "-c", LOOP));
        cmd.addAll(command);
        cmd.addAll(options);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("LC_ALL", "C");
        pb.environment().remove("MODPROBE_OPTIONS");
        try {
            Process p = pb.start();
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
            CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
            try (OutputStream in = p.getOutputStream()) {
                for (String f : files) {
                    in.write((f + "\n").getBytes(StandardCharsets.ISO_8859_1));
                }
            }
            return new Kmod.Run(out.join(), err.join(), p.waitFor());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static byte[] readAll(InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** modstack's side: the same command line per file, in-process, framed as the real side frames it. */
    static Kmod.Run ours(List<String> options, List<String> files) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        for (String f : files) {
            List<String> argv = new ArrayList<>();
            argv.add("modprobe");
            argv.addAll(options);
            argv.add(f);
            int status = Main.run(out, err, argv.toArray(String[]::new));
            out.writeBytes(("=== " + status + " " + f + "\n").getBytes(StandardCharsets.ISO_8859_1));
            err.writeBytes(("=== " + f + "\n").getBytes(StandardCharsets.ISO_8859_1));
        }
        return new Kmod.Run(out.toByteArray(), err.toByteArray(), 0);
    }
}
