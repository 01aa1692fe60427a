package org.modstack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modstack.Fixtures;
import org.modstack.SignedModules;

/** The entry point as a user starts it: its own JVM, {@code main}, the process's streams and exit status. */
class MainEntryPointTest {

    private record Run(int status, String out, String err) {
    }

    private static Run java(List<String> jvmOptions, String... args) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).start();
        byte[] err = p.getErrorStream().readAllBytes();
        byte[] out = p.getInputStream().readAllBytes();
        return new Run(p.waitFor(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    /** zstd's decoder is native code unpacked to java.io.tmpdir: without it, modinfo still answers in one line. */
    @Test
    void zstdModuleWithoutItsNativeDecoderFailsInOneLine(@TempDir Path dir) throws Exception {
        Path zst = Files.write(dir.resolve("stack_core.ko.zst"),
                SignedModules.Compressor.ZSTD.compress(Files.readAllBytes(Fixtures.module("stack_core"))));
        Run r = java(List.of("-Djava.io.tmpdir=/nonexistent"), "modinfo", zst.toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err().lines()).hasSize(1);
        assertThat(r.err()).startsWith("modinfo: ERROR: ").doesNotContain("internal error")
                .doesNotContainPattern("[A-Z]\\w*(Exception|Error)\\b");
    }

    @Test
    void exitStatusAndStreamsAreTheProcesses(@TempDir Path dir) throws Exception {
        Run ok = java(List.of(), "modinfo", "-F", "license", Fixtures.module("stack_core").toString());
        assertThat(ok.status()).isZero();
        assertThat(ok.out()).isEqualTo("Dual MIT/GPL\n");
        Run missing = java(List.of(), "modinfo", dir.resolve("absent.ko").toString());
        assertThat(missing.status()).isEqualTo(1);
        assertThat(missing.err()).isEqualTo("modinfo: ERROR: Module " + dir.resolve("absent.ko") + " not found.\n");
    }
}
