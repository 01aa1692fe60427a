package org.modstack.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modstack.Fixtures;

/** Damaged files get kmod's message and exit status from modinfo, never a stack trace. */
@Tag("conformance")
class ModinfoBadInputTest {

    @Test
    void everyDamagedFileGetsKmodsAnswer(@TempDir Path dir) throws Exception {
        Trees.Tree tree = Trees.require("amd64");
        Path signed = tree.modules().stream().filter(p -> p.toString().endsWith("/fuse.ko")).findFirst().orElseThrow();
        Map<String, Path> files = BadModuleFiles.write(dir, Fixtures.module("chain_a"), signed);
        for (Map.Entry<String, Path> e : files.entrySet()) {
            for (List<String> mode : List.of(List.<String>of(), List.of("-F", "signer"))) {
                List<String> args = new ArrayList<>(mode);
                args.add(e.getValue().toString());
                Comparison.assertSame("modinfo " + mode + " " + e.getKey(), Kmod.real("modinfo", args),
                        Kmod.ours("modinfo", args));
            }
        }
        System.out.printf("conformance: modinfo on %d damaged files: 0 mismatches%n", files.size());
    }

    /**
     * Where kmod 30 dies on an assertion (exit 134, its buffered output lost), modstack reports
     * the EINVAL that libkmod's own check returns when assertions are compiled out.
     */
    @Test
    void nameTableIndexOutOfRangeIsInvalidWhereKmodAborts(@TempDir Path dir) throws Exception {
        Trees.requireKmod();
        Path bad = BadModuleFiles.badNameTableIndex(dir, Fixtures.module("chain_a"));
        Kmod.Run kmod = Kmod.real("modinfo", List.of(bad.toString()));
        assertThat(kmod.status()).isEqualTo(134);
        assertThat(kmod.errText()).contains("Assertion");
        Kmod.Run ours = Kmod.ours("modinfo", List.of(bad.toString()));
        assertThat(ours.status()).isEqualTo(1);
        assertThat(ours.errText()).isEqualTo("modinfo: ERROR: could not get modinfo from 'bad_shstrndx': Invalid argument\n");
    }
}
