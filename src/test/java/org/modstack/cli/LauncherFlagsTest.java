package org.modstack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The launcher's collector by the work: G1 for a one-module tool (JDK 17 maps its archived module
 * graph under G1 only), the serial collector and a small first heap for work over a tree, and a
 * young generation that holds all of modprobe -a's garbage.
 */
class LauncherFlagsTest {

    @Test
    void oneModuleToolsStartUnderG1AndTreeWideWorkUnderTheSerialCollector() throws Exception {
        for (String tool : List.of("modinfo", "modprobe", "insmod", "rmmod", "lsmod")) {
            assertThat(flags(tool, "x")).as(tool).contains("-XX:+UseG1GC").doesNotContain("-XX:+UseSerialGC");
        }
        for (String tool : List.of("depmod", "check", "kernel", "graph")) {
            assertThat(flags(tool, "x")).as(tool).contains("-XX:+UseSerialGC", "-Xms64m", "-Xmn16m")
                    .doesNotContain("-XX:+UseG1GC");
        }
        List<String> names = new ArrayList<>(Collections.nCopies(32, "m"));
        assertThat(flags("modprobe", names.toArray(String[]::new))).contains("-XX:+UseG1GC");
        names.add("m");
        assertThat(flags("modprobe", names.toArray(String[]::new))).as("33 names: work over many modules")
                .contains("-XX:+UseSerialGC", "-Xmn32m").doesNotContain("-Xmn16m");
    }

    private static List<String> flags(String tool, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bin/modstack", tool));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("MODSTACK_PRINT_JVM_FLAGS", "1");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).isZero();
        return List.of(out.split("\n"));
    }
}
