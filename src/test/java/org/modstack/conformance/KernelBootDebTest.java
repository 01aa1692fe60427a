package org.modstack.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modstack.cli.Main;

/**
 * {@code kernel boot --deb} on Debian's packages exactly as downloaded (the ones the lock pins,
 * from fetch-trees' cache): 6.12's merged-/usr image and headers, 7.2's split into binary,
 * modules and base, and a missing headers package named.
 */
@Tag("conformance")
class KernelBootDebTest {
    @TempDir
    Path tmp;

    @Test
    void bootsTrixiesKernelFromItsMergedUsrPackages() throws IOException {
        String kernel = boot("amd64-6.12", "6.12");
        assertThat(lsmodAfterInsmod(kernel, "6.12")).contains("stack_core             12288  0\n");
    }

    @Test
    void bootsForkysKernelFromItsSplitPackages() throws IOException {
        String kernel = boot("amd64-7.2", "7.2");
        assertThat(lsmodAfterInsmod(kernel, "7.2")).contains("stack_core             12288  0\n");
    }

    @Test
    void missingHeadersPackageIsNamed() throws IOException {
        List<Path> debs = debs("amd64-6.12").stream()
                .filter(d -> !d.getFileName().toString().startsWith("linux-headers-")).toList();
        List<String> argv = new ArrayList<>(List.of("kernel", "boot", "--kernel=" + tmp.resolve("k")));
        debs.forEach(d -> argv.add("--deb=" + d));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(Main.run(new ByteArrayOutputStream(), err, argv.toArray(String[]::new))).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .matches("kernel: ERROR: \\S+/tree: no Module.symvers for 6\\.12\\.\\S+; add"
                        + " --deb=linux-headers-6\\.12\\.\\S+-amd64_\\*\\.deb\n");
    }

    /** Boots the tree's pinned packages; returns the --kernel argument. */
    private String boot(String tree, String generation) throws IOException {
        String kernel = "--kernel=" + tmp.resolve("k" + generation);
        List<String> argv = new ArrayList<>(List.of("kernel", "boot", kernel));
        debs(tree).forEach(d -> argv.add("--deb=" + d));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(Main.run(new ByteArrayOutputStream(), err, argv.toArray(String[]::new)))
                .as(err.toString(StandardCharsets.UTF_8)).isZero();
        return kernel;
    }

    private static String lsmodAfterInsmod(String kernel, String generation) {
        Path core = Scenarios.FIXTURES.resolve("gen").resolve(generation).resolve("stack_core.ko");
        assertThat(Main.run(new ByteArrayOutputStream(), new ByteArrayOutputStream(), "insmod", kernel,
                core.toString())).isZero();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(Main.run(out, new ByteArrayOutputStream(), "lsmod", kernel)).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The tree's pinned packages in fetch-trees' cache, as apt-get download named them. */
    private static List<Path> debs(String tree) throws IOException {
        Trees.require(tree);
        List<Path> out = new ArrayList<>();
        for (String line : Trees.pinned(tree)) {
            String[] w = line.split("\\s+");
            Path deb = Trees.cache().resolve("debs").resolve(w[0] + "_" + w[1] + "_" + w[2] + ".deb");
            if (!Files.isRegularFile(deb)) {
                Trees.missing(deb + " not in the cache; run scripts/fetch-trees.sh " + tree);
            }
            out.add(deb);
        }
        return out;
    }
}
