package org.modstack.conformance;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.modstack.Fixtures;
import org.modstack.cli.Main;

/**
 * The module directory depmod, modinfo and modprobe build from their root and release options,
 * as kmod builds it: made absolute from the working directory (a relative {@code -d} or
 * {@code -b} is printed absolute), in a buffer of PATH_MAX bytes (kmod 30 cuts a longer name,
 * kmod 34 refuses it), and its {@code modules.softdep} and {@code modules.weakdep} read by
 * {@code kmod_new} in every tool, their bad lines reported.
 */
@Tag("conformance")
class ModuleDirectoryNamesConformanceTest {
    private static final String RELEASE = "1.0";

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "kmod {0}")
    @ValueSource(ints = {30, 34})
    void moduleDirectoryAsKmodNamesIt(int version) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("lib/modules").resolve(RELEASE).resolve("extra"));
        Path module = Files.copy(Fixtures.module("chain_a"), dir.resolve("chain_a.ko"));
        Main.run(new ByteArrayOutputStream(), new ByteArrayOutputStream(), "depmod", "-b", tmp.toString(), RELEASE);
        Files.writeString(dir.resolveSibling("modules.softdep"), "softdep\nbogus line\nsoftdep chain_a pre: x\n");
        Files.writeString(dir.resolveSibling("modules.weakdep"), "weakdep\nweakdep chain_a\n");
        String relative = Path.of("").toAbsolutePath().relativize(tmp).toString();
        List<List<String>> lines = new ArrayList<>();
        for (String root : List.of(relative, tmp.toString(), "/x".repeat(2030), "/x".repeat(2100))) {
            lines.add(List.of("modprobe", "-d", root, "-S", RELEASE, "-n", "-v", "chain_a"));
            lines.add(List.of("modprobe", "-d", root, "-S", RELEASE, "missing"));
            lines.add(List.of("modinfo", "-b", root, "-k", RELEASE, "chain_a"));
            lines.add(List.of("modinfo", "-b", root, "-k", RELEASE, "missing", module.toString()));
            lines.add(List.of("depmod", "-n", "-b", root, RELEASE));
        }
        lines.add(List.of("modinfo", "-b", relative, module.toString()));  // the running release's directory
        for (List<String> line : lines) {
            List<String> args = line.subList(1, line.size());
            Comparison.assertSame(shortened(line) + " (kmod " + version + ")", Kmod34.real(version, line.get(0), args),
                    Kmod34.ours(version, line.get(0), args));
        }
        System.out.printf("conformance: %d module directories named as kmod %d names them: 0 mismatches%n",
                lines.size(), version);
    }

    /** A command line with its long roots shortened, for a failure's message. */
    private static String shortened(List<String> line) {
        return line.toString().replaceAll("(/x){8,}", "/x/x...");
    }
}
