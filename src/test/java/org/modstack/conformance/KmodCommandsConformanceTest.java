package org.modstack.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.modstack.Fixtures;

/**
 * The kmod multi-call name's own commands, lsmod on the running system, and files too large for
 * one buffer, against the real kmod on this machine.
 */
@Tag("conformance")
class KmodCommandsConformanceTest {
    private static final long THREE_GIB = 3L << 30;

    @ParameterizedTest
    @ValueSource(strings = {"", "help", "foo", "-h", "--help", "-x", "static-nodes", "static-nodes -h",
        "static-nodes -f bogus", "static-nodes -f tmpfiles", "static-nodes --format=devname", "static-nodes -z", "list"})
    void kmodCommandsBehaveAsKmods(String command) throws Exception {
        Trees.requireKmod();
        List<String> args = command.isEmpty() ? List.of() : List.of(command.split(" "));
        Comparison.assertSame("kmod " + command, Kmod.real("kmod", args), Kmod.ours("kmod", args));
    }

    /** Both read the same /proc/modules and /sys/module (or both find none). */
    @Test
    void lsmodOnTheRunningSystemIsKmods() throws Exception {
        Trees.requireKmod();
        Comparison.assertSame("lsmod", Kmod.real("lsmod", List.of()), Kmod.ours("lsmod", List.of()));
    }

    /** kmod reads a file past 2 GiB as it reads any other: an ELF in front is a module, zeros are not. */
    @Test
    void filesOver2GiBAreReadAsKmodReadsThem(@TempDir Path tmp) throws Exception {
        Trees.requireKmod();
        Path dir = Files.createDirectories(tmp.resolve("lib/modules/6.1.0-test/extra"));
        Files.copy(Fixtures.module("stack_core"), dir.resolve("stack_core.ko"));
        Files.copy(Fixtures.module("stack_user"), dir.resolve("padded.ko"));
        grow(dir.resolve("padded.ko"));
        grow(Files.createFile(dir.resolve("zeros.ko")));
        for (String f : List.of("padded.ko", "zeros.ko")) {
            List<String> args = List.of(dir.resolve(f).toString());
            Comparison.assertSame("modinfo " + f, Kmod.real("modinfo", args), Kmod.ours("modinfo", args));
        }
        List<String> depmod = new ArrayList<>(List.of("-b", tmp.toString(), "6.1.0-test"));
        Kmod.Run kmod = Kmod.real("depmod", depmod);
        String kmodDep = Files.readString(dir.resolveSibling("modules.dep"));
        depmod.add(0, "--kmod-version=30");
        depmod.add(0, "--no-cache");
        Kmod.Run ours = Kmod.ours("depmod", depmod);
        assertThat(ours.errText()).isEqualTo(kmod.errText());
        assertThat(ours.status()).isEqualTo(kmod.status());
        assertThat(Files.readString(dir.resolveSibling("modules.dep"))).isEqualTo(kmodDep).contains("extra/zeros.ko:");
    }

    private static void grow(Path file) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(THREE_GIB);  // sparse: no disk is used
        }
    }
}
