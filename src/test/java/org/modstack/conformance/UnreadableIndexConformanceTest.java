package org.modstack.conformance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
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
 * Module directories whose indexes cannot be read: the directory itself a file, an index a
 * directory (which libkmod opens and then fails to map, saying so), an index of the wrong magic.
 * modprobe falls back to reading each lookup from the files, modinfo takes an index it cannot
 * read for none; both as kmod 30 and 34 do, every message included.
 */
@Tag("conformance")
class UnreadableIndexConformanceTest {
    private static final String RELEASE = "1.0-test";

    @TempDir
    Path tmp;

    /** A module directory indexed by depmod, then {@code damage} done to it; its root. */
    private Path tree(String name, String damage) throws Exception {
        Path root = tmp.resolve(name);
        Path dir = Files.createDirectories(root.resolve("lib/modules").resolve(RELEASE));
        Path extra = Files.createDirectories(dir.resolve("extra"));
        for (String m : List.of("chain_a", "chain_b", "chain_c", "stack_alias")) {
            Files.copy(Fixtures.module(m), extra.resolve(m + ".ko"));
        }
        Main.run(new ByteArrayOutputStream(), new ByteArrayOutputStream(), "depmod", "-b", root.toString(), RELEASE);
        if (!damage.isEmpty()) {
            Path index = dir.resolve(damage.substring(damage.indexOf(' ') + 1));
            Files.delete(index);
            if (damage.startsWith("directory ")) {
                Files.createDirectories(index.resolve("a-file-or-two"));
                Files.writeString(index.resolve("b"), "x");
            } else {
                Files.writeString(index, "not an index, not at all");
            }
        }
        return root;
    }

    @ParameterizedTest(name = "kmod {0}")
    @ValueSource(ints = {30, 34})
    void unreadableIndexesAreReadAsKmodReadsThem(int version) throws Exception {
        Path file = Files.writeString(tmp.resolve("a-file"), "not a directory");
        compare(version, "module directory a file", file);
        for (String damage : List.of("", "directory modules.dep.bin", "directory modules.symbols.bin",
                "directory modules.alias.bin", "bad-magic modules.symbols.bin", "bad-magic modules.dep.bin")) {
            compare(version, damage, tree(damage.replace(' ', '-') + "tree", damage));
        }
    }

    private void compare(int version, String what, Path root) throws IOException {
        String dir = root + "/lib/modules/" + RELEASE;
        List<List<String>> modprobe = List.of(List.of("-D", "chain_a"), List.of("-R", "chain-b"),
                List.of("-D", "foo"), List.of("-c"), List.of("-n", "-v", "stack_alias"));
        for (List<String> args : modprobe) {
            List<String> full = new ArrayList<>(List.of("-C", "/nonexistent", "-d", root.toString(), "-S", RELEASE));
            full.addAll(args);
            Comparison.assertSame("modprobe " + args + ", " + what, Kmod34.real(version, "modprobe", full),
                    Kmod34.ours(version, "modprobe", full));
        }
        for (String name : List.of("chain_a", "foo")) {
            List<String> args = List.of("-b", root.toString(), "-k", RELEASE, "-F", "filename", name);
            Comparison.assertSame("modinfo " + name + ", " + what + " (" + dir + ")",
                    Kmod34.real(version, "modinfo", args), Kmod.ours("modinfo", args));  // one modinfo for both
        }
        System.out.printf("conformance: kmod %d, %s: modprobe and modinfo, 0 mismatches%n", version,
                what.isEmpty() ? "indexes as depmod wrote them" : what);
    }
}
