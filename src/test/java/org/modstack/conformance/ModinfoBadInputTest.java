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
     * Signatures damaged at random where the PKCS#7 blob lies: kmod's OpenSSL decides which
     * still parse and what they show; ours must show the same, field for field. One kmod
     * invocation per mode covers every file.
     */
    @Test
    void damagedSignaturesShowWhatKmodShows(@TempDir Path dir) throws Exception {
        Trees.Tree tree = Trees.require("amd64");
        Path signed = tree.modules().stream().filter(p -> p.toString().endsWith("/fuse.ko")).findFirst().orElseThrow();
        List<Path> files = BadModuleFiles.damagedSignatures(dir, signed, 1000, 15);
        int hidden = 0;
        for (List<String> mode : List.of(List.of("-F", "signer"), List.of("-F", "sig_key"),
                List.of("-F", "sig_hashalgo"), List.of("-F", "signature"))) {
            List<String> args = new ArrayList<>(mode);
            files.forEach(f -> args.add(f.toString()));
            Kmod.Run kmod = Kmod.real("modinfo", args);
            Comparison.assertSame("modinfo " + mode + " on damaged signatures", kmod, Kmod.ours("modinfo", args));
            if (mode.contains("signer")) {
                hidden = files.size() - (int) new String(kmod.out()).lines().count();
            }
        }
        assertThat(hidden).as("damaged signatures kmod shows none of").isBetween(1, files.size() - 1);
        System.out.printf("conformance: modinfo on %d damaged signatures (%d shown by neither): 0 mismatches%n",
                files.size(), hidden);
    }

    /**
     * Signatures in the BER forms OpenSSL reads and no signer writes, each built byte by byte:
     * constructed strings whose segments are of other tags or split a character, nested five
     * and six deep; opaque parameters; a bit string as the signer's name. Every field of each
     * as kmod shows it, and the cases both show and both hide as they were when this test was
     * written.
     */
    @Test
    void craftedBerSignaturesShowWhatKmodShows(@TempDir Path dir) throws Exception {
        Trees.Tree tree = Trees.require("amd64");
        Path signed = tree.modules().stream().filter(p -> p.toString().endsWith("/fuse.ko")).findFirst().orElseThrow();
        Map<String, Path> files = CraftedSignatures.write(dir, signed);
        List<String> hidden = new ArrayList<>();
        for (Map.Entry<String, Path> e : files.entrySet()) {
            for (String field : List.of("signer", "sig_key", "sig_hashalgo", "signature")) {
                List<String> args = List.of("-F", field, e.getValue().toString());
                Kmod.Run kmod = Kmod.real("modinfo", args);
                Comparison.assertSame("modinfo -F " + field + " " + e.getKey(), kmod, Kmod.ours("modinfo", args));
                if (field.equals("signer") && kmod.out().length == 0) {
                    hidden.add(e.getKey());
                }
            }
        }
        System.out.printf("conformance: modinfo on %d crafted BER signatures (hidden by both: %s): 0 mismatches%n",
                files.size(), hidden);
    }

    /**
     * ELF and section headers damaged at random: kmod's answer on each file (one invocation a
     * file: kmod aborts on some, see below), output, errors and exit status alike.
     */
    @Test
    void damagedHeadersGetKmodsAnswer(@TempDir Path dir) throws Exception {
        Trees.Tree tree = Trees.require("amd64");
        Path good = tree.modules().stream().filter(p -> p.toString().endsWith("/fuse.ko")).findFirst().orElseThrow();
        int compared = 0;
        int aborted = 0;
        for (Path f : BadModuleFiles.damagedHeaders(dir, good, 300, 6)) {
            for (List<String> mode : List.of(List.<String>of(), List.of("-F", "signer"))) {
                List<String> args = new ArrayList<>(mode);
                args.add(f.toString());
                Kmod.Run kmod = Kmod.real("modinfo", args);
                Kmod.Run ours = Kmod.ours("modinfo", args);
                if (kmod.status() == 134 && kmod.errText().contains("Assertion")) {
                    assertThat(ours.status()).as(f + ": where kmod aborts").isEqualTo(1);
                    assertThat(ours.errText()).as(f + ": where kmod aborts").endsWith(": Invalid argument\n");
                    aborted++;
                } else {
                    Comparison.assertSame("modinfo " + mode + " " + f.getFileName(), kmod, ours);
                    compared++;
                }
            }
        }
        System.out.printf("conformance: modinfo on damaged ELF headers: %d runs compared, 0 mismatches"
                + " (%d where kmod aborts on an assertion)%n", compared, aborted);
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
