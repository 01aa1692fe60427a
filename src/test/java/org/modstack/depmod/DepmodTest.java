package org.modstack.depmod;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modstack.Fixtures;
import org.modstack.cli.Main;
import org.modstack.index.IndexFile;
import org.modstack.index.KmodHash;

/** depmod behaviours that need no kmod to pin. */
class DepmodTest {
    private static final String RELEASE = "6.1.0-test";

    private static int depmod(ByteArrayOutputStream err, String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "depmod";
        System.arraycopy(args, 0, all, 1, args.length);
        return Main.run(new ByteArrayOutputStream(), err, all);
    }

    private static Path tree(Path tmp, String... modules) throws Exception {
        Path extra = Files.createDirectories(tmp.resolve("lib/modules").resolve(RELEASE).resolve("extra"));
        for (String m : modules) {
            Files.copy(Fixtures.module(m), extra.resolve(m + ".ko"));
        }
        return tmp.resolve("lib/modules").resolve(RELEASE);
    }

    @Test
    void chainIsListedDeepestLast(@TempDir Path tmp) throws Exception {
        Path dir = tree(tmp, "chain_a", "chain_b", "chain_c");
        assertThat(depmod(new ByteArrayOutputStream(), "-b", tmp.toString(), RELEASE)).isZero();
        assertThat(Files.readString(dir.resolve("modules.dep")))
                .contains("extra/chain_c.ko: extra/chain_b.ko extra/chain_a.ko\n");
        IndexFile dep = IndexFile.open(dir.resolve("modules.dep.bin"));
        assertThat(dep.search("chain_b")).contains("extra/chain_b.ko: extra/chain_a.ko");
    }

    @Test
    void cycleFailsAndWritesNothing(@TempDir Path tmp) throws Exception {
        Path dir = tree(tmp, "cycle_x", "cycle_y");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(depmod(err, "-b", tmp.toString(), RELEASE)).isEqualTo(1);
        assertThat(err.toString()).contains("depmod: ERROR: Cycle detected: cycle_")
                .contains("depmod: ERROR: Found 2 modules in dependency cycles!\n");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("modules.")))
                    .isEmpty();
        }
    }

    /**
     * kmod 34 stops on a non-ASCII index key with this message but leaves the files it wrote
     * before; modstack writes all or nothing, so nothing changes.
     */
    @Test
    void nonAsciiIndexKeyStopsWithKmod34sMessageAndWritesNothing(@TempDir Path tmp) throws Exception {
        Path dir = tree(tmp, "chain_a");
        Files.copy(Fixtures.resource("index/edge/modules.builtin.modinfo"), dir.resolve("modules.builtin.modinfo"));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(depmod(err, "-b", tmp.toString(), RELEASE)).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.ISO_8859_1))
                .contains("depmod: FATAL: Module index: bad character '\u00e9'=0xe9 - only 7-bit ASCII is supported:\n");
        assertThat(dir.resolve("modules.dep")).doesNotExist();
    }

    @Test
    void dryRunPrintsTextFilesInKmodsOrderAndWritesNothing(@TempDir Path tmp) throws Exception {
        Path dir = tree(tmp, "stack_core", "stack_user", "stack_alias");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = Main.run(out, new ByteArrayOutputStream(), "depmod", "-n", "-b", tmp.toString(), RELEASE);
        assertThat(status).isZero();
        String text = out.toString();
        List<String> headers = List.of("# Aliases extracted", "# Soft dependencies", "# Weak dependencies",
                "# Aliases for symbols", "# Device nodes");
        int last = -1;
        for (String h : headers) {
            assertThat(text.indexOf(h)).as(h).isGreaterThan(last);
            last = text.indexOf(h);
        }
        assertThat(dir.resolve("modules.dep")).doesNotExist();
        assertThat(dir.resolve(DepmodCache.FILE_NAME)).doesNotExist();
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({
        "fuse, -1955780067", "snd_hda_codec_realtek, 439105066", "printk, 1778934737", "a, 291415938",
        "ab, 1366002500", "abc, -759293558", "kmalloc_caches, -1527392114", "ab\u00e9, -1260399435"})
    void superFastHashMatchesKmodsOnLittleEndian(String key, int expected) {
        // Expected values from kmod's hash function compiled on x86_64; the last has a byte >= 0x80,
        // which C reads as a negative char.
        assertThat(KmodHash.superFast(key)).isEqualTo(expected);
    }

    @Test
    void iterationOrderIsBucketThenStrcmp() {
        assertThat(KmodHash.iterationOrder(List.of("b", "a", "c"), s -> s, 1)).containsExactly("a", "b", "c");
    }
}
