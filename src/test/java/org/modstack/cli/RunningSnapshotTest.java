package org.modstack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modstack.Fixtures;

/**
 * {@code kernel boot --from-running ROOT}: a virtual kernel seeded from a system's /proc, here a
 * system laid out under ROOT whose kernel has stack_user on stack_core loaded and is tainted.
 */
class RunningSnapshotTest {
    private static final String RELEASE = Fixtures.KERNEL_6_1.release();  // the sample modules' kernel
    @TempDir
    Path tmp;

    @Test
    void snapshotLoadsWhatProcModulesListsOldestFirstAndKeepsTheTaint() throws Exception {
        Path root = tmp.resolve("root");
        Fixtures.KERNEL_6_1.write(root);
        Path extra = Files.createDirectories(root.resolve("lib/modules/" + RELEASE + "/extra"));
        for (String m : List.of("stack_core", "stack_user")) {
            Files.copy(Fixtures.module(m), extra.resolve(m + ".ko"));
        }
        assertThat(CommandLineTest.run("depmod", "-b", root.toString(), RELEASE).status()).isZero();
        Path proc = Files.createDirectories(root.resolve("proc/sys/kernel"));
        Files.writeString(root.resolve("proc/modules"), "stack_user 16384 0 - Live 0x0000000000000000 (OE)\n"
                + "stack_core 16384 1 stack_user, Live 0x0000000000000000 (OE)\n");
        Files.writeString(root.resolve("proc/cmdline"), "quiet stack_core.x=1\n");
        Files.writeString(proc.resolve("osrelease"), RELEASE + "\n");
        Files.writeString(proc.resolve("tainted"), "512\n");  // W: a warning the kernel gave before
        String kernel = "--kernel=" + tmp.resolve("kernel");

        CommandLineTest.Run boot = CommandLineTest.run("kernel", "boot", kernel, "--from-running", root.toString());
        assertThat(boot.status()).as(boot.err()).isZero();
        assertThat(boot.out()).endsWith("with 2 modules of the running system\n");
        assertThat(CommandLineTest.run("lsmod", kernel).out()).isEqualTo("""
                Module                  Size  Used by
                stack_user             16384  0
                stack_core             16384  1 stack_user
                """);
        assertThat(CommandLineTest.run("kernel", "cat", kernel, "/proc/sys/kernel/tainted").out())
                .isEqualTo((512 | 4096 | 8192) + "\n");  // W, then O and E from the loads
        assertThat(CommandLineTest.run("kernel", "cat", kernel, "/proc/cmdline").out()).isEqualTo("quiet stack_core.x=1\n");
    }

    @Test
    void aModuleMissingFromTheTreeIsNamed() throws Exception {
        Path root = tmp.resolve("root");
        Fixtures.KERNEL_6_1.write(root);
        Path proc = Files.createDirectories(root.resolve("proc/sys/kernel"));
        Files.writeString(root.resolve("proc/modules"), "nowhere 16384 0 - Live 0x0000000000000000\n");
        Files.writeString(root.resolve("proc/cmdline"), "\n");
        Files.writeString(proc.resolve("osrelease"), RELEASE + "\n");
        Files.writeString(proc.resolve("tainted"), "0\n");
        CommandLineTest.Run boot = CommandLineTest.run("kernel", "boot", "--kernel=" + tmp.resolve("k"),
                "--from-running", root.toString());
        assertThat(boot.status()).isEqualTo(1);
        assertThat(boot.err()).startsWith("kernel: ERROR: nowhere: loaded, but not in ");
        assertThat(tmp.resolve("k/kernel.state")).as("no half-seeded kernel is left").doesNotExist();
    }
}
