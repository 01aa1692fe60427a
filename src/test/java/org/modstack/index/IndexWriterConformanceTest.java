package org.modstack.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.modstack.index.IndexWriterTest.assertSameBytes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modstack.Fixtures;
import org.modstack.conformance.Kmod34;
import org.modstack.conformance.Kmod;
import org.modstack.conformance.Trees;
import org.modstack.index.IndexWriter.Layout;
import org.modstack.index.IndexWriterTest.DepmodText;

/**
 * The writer against what real depmod writes, live: kmod 30 (post-order) and kmod 34
 * (pre-order), on our sample modules and on Debian's amd64 tree. Each version's .bin files
 * must equal the ones the writer builds from that version's own text files.
 */
@Tag("conformance")
class IndexWriterConformanceTest {
    private static final String RELEASE = "6.1.0-test";

    @Test
    void kmod34RunsAsDepmod() {
        Kmod.Run r = Kmod.exec(with(Kmod34.kmod34("depmod"), "-V"));
        assertThat(r.status()).isZero();
        assertThat(r.outText()).startsWith("kmod version 34");
    }

    @Test
    void sampleTree(@TempDir Path tmp) throws Exception {
        Path small = Fixtures.resource("index/small");
        for (Layout layout : Layout.values()) {
            boolean pre = layout == Layout.PRE_ORDER;
            Path root = tmp.resolve(layout.name());
            Path dir = root.resolve("lib/modules").resolve(RELEASE);
            Files.createDirectories(dir.resolve("extra"));
            try (var ko = Files.list(Fixtures.resource("modules"))) {
                for (Path p : ko.toList()) {
                    // cycle_x and cycle_y depend on each other: depmod would write nothing
                    if (!p.getFileName().toString().startsWith("cycle_")) {
                        Files.copy(p, dir.resolve("extra").resolve(p.getFileName()));
                    }
                }
            }
            Files.copy(small.resolve("modules.builtin"), dir.resolve("modules.builtin"));
            Files.copy(small.resolve("modules.builtin.modinfo"), dir.resolve("modules.builtin.modinfo"));
            List<String> depmod = pre ? Kmod34.kmod34("depmod") : Kmod34.kmod30("depmod");
            Kmod.Run r = Kmod.exec(with(depmod, "-b", root.toString(), RELEASE));
            assertThat(r.status()).as(r.errText()).isZero();

            Map<String, IndexWriter> rebuilt = DepmodText.rebuild(dir);
            assertThat(rebuilt.keySet()).containsExactly(DepmodText.INDEXES);
            String version = pre ? "kmod34" : "kmod30";
            for (Map.Entry<String, IndexWriter> e : rebuilt.entrySet()) {
                byte[] real = Files.readAllBytes(dir.resolve(e.getKey()));
                assertSameBytes(e.getValue().toBytes(layout), real, version + " " + e.getKey());
                // the committed copies the unit test uses are still what depmod writes
                assertSameBytes(Files.readAllBytes(small.resolve(version).resolve(e.getKey())), real,
                        "committed index/small/" + version + "/" + e.getKey());
            }
        }
    }

    @Test
    void debianTreeAsKmod30WroteIt() throws Exception {
        // scripts/fetch-trees.sh ran the system's depmod (kmod 30) on the tree
        Trees.Tree tree = Trees.require("amd64");
        compareAll(tree.moduleDir(), tree.moduleDir(), Layout.POST_ORDER);
    }

    @Test
    void debianTreeAsKmod34WritesIt(@TempDir Path out) throws Exception {
        Trees.Tree tree = Trees.require("amd64");
        // -o: write into a temporary directory, leaving the cached tree as kmod 30 wrote it
        Kmod.Run r = Kmod.exec(with(Kmod34.kmod34("depmod"), "-o", out.toString(), "-b",
                tree.root().toString(), tree.release()));
        assertThat(r.status()).as(r.errText()).isZero();
        compareAll(out.resolve("lib/modules").resolve(tree.release()), tree.moduleDir(), Layout.PRE_ORDER);
    }

    private static void compareAll(Path written, Path inputs, Layout layout) throws IOException {
        Map<String, IndexWriter> rebuilt = DepmodText.rebuild(written, inputs);
        assertThat(rebuilt.keySet()).containsExactly(DepmodText.INDEXES);
        for (Map.Entry<String, IndexWriter> e : rebuilt.entrySet()) {
            assertThat(e.getValue().size()).as(e.getKey()).isPositive();
            assertSameBytes(e.getValue().toBytes(layout), Files.readAllBytes(written.resolve(e.getKey())),
                    layout + " " + e.getKey());
        }
    }

    private static List<String> with(List<String> command, String... args) {
        List<String> all = new ArrayList<>(command);
        all.addAll(List.of(args));
        return all;
    }
}
