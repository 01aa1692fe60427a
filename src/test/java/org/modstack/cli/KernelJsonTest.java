package org.modstack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lsmod --json}, {@code kernel cat --json /proc/modules} and {@code kernel status}: valid
 * under their schemas and saying what lsmod and {@code /proc/sys/kernel/tainted} say.
 */
class KernelJsonTest {
    @TempDir
    Path tmp;
    private String kernel;

    @BeforeEach
    void bootWithTheStackLoaded() throws Exception {
        Path root = tmp.resolve("root");
        SampleTree.write(root);
        kernel = "--kernel=" + tmp.resolve("kernel");
        assertThat(SampleTree.run("kernel", "boot", kernel, root.toString()).status()).isZero();
        assertThat(SampleTree.run("modprobe", kernel, "stack_user").status()).isZero();
        // a proprietary module taints the kernel with P, though its GPL-only import then refuses it
        assertThat(SampleTree.run("modprobe", kernel, "stack_prop").status()).isEqualTo(1);
    }

    @Test
    void lsmodJsonListsWhatLsmodPrints() {
        JsonNode doc = JsonSchemas.assertValid("lsmod", SampleTree.run("lsmod", kernel, "--json").out());
        List<String> rebuilt = new ArrayList<>(List.of("Module                  Size  Used by"));
        for (JsonNode m : doc.get("modules")) {
            List<String> holders = new ArrayList<>();
            m.get("holders").forEach(h -> holders.add(h.asText()));
            rebuilt.add(String.format("%-19s %8d  %d", m.get("name").asText(), m.get("size").asLong(),
                    m.get("refcount").asInt()) + (holders.isEmpty() ? "" : " " + String.join(",", holders)));
        }
        assertThat(SampleTree.run("lsmod", kernel).out()).isEqualTo(String.join("\n", rebuilt) + "\n");
        assertThat(doc.get("modules").findValuesAsText("name")).containsExactly("stack_user", "stack_core");
    }

    @Test
    void procModulesJsonIsLsmodJson() {
        assertThat(SampleTree.run("kernel", "cat", kernel, "--json", "/proc/modules").out())
                .isEqualTo(SampleTree.run("lsmod", kernel, "-J").out());
        SampleTree.Run other = SampleTree.run("kernel", "cat", kernel, "--json", "/proc/cmdline");
        assertThat(other.status()).isEqualTo(1);
        assertThat(other.err()).isEqualTo("kernel: ERROR: --json reads /proc/modules only\n");
    }

    @Test
    void kernelStatusJsonSpellsTheTaintThatProcShowsAsANumber() {
        JsonNode doc = JsonSchemas.assertValid("kernel-status", SampleTree.run("kernel", "status", kernel, "--json").out());
        long tainted = Long.parseLong(SampleTree.run("kernel", "cat", kernel, "/proc/sys/kernel/tainted").out().strip());
        assertThat(doc.get("taint").get("mask").asLong()).isEqualTo(tainted);
        assertThat(doc.get("taint").get("flags").findValuesAsText("name")).contains("PROPRIETARY_MODULE");
        assertThat(doc.get("taint").get("letters").asText()).isEqualTo("POE");
        assertThat(doc.get("modules").size()).isEqualTo(2);
        assertThat(doc.get("release").asText()).isEqualTo(SampleTree.RELEASE);
    }

    @Test
    void kernelStatusPrintsTaintAsLettersWithNames() {
        String out = SampleTree.run("kernel", "status", kernel).out();
        long tainted = Long.parseLong(SampleTree.run("kernel", "cat", kernel, "/proc/sys/kernel/tainted").out().strip());
        assertThat(out).contains("taint:    " + tainted + " (POE)\n"
                + "          P  PROPRIETARY_MODULE\n"
                + "          O  OOT_MODULE\n"
                + "          E  UNSIGNED_MODULE\n"
                + "modules:  2\n"
                + "          stack_user (OE)\n"
                + "          stack_core (OE)\n");
    }
}
