package org.modstack.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

/**
 * The proof of the virtual kernel: every scenario booted on Debian's real kernel under qemu
 * (one boot per scenario, as many boots at once as there are cores) and run on the virtual
 * kernel; exit statuses, outputs, kernel log lines and state reads must be equal, addresses masked.
 */
@Tag("conformance")
class QemuScenarioConformanceTest {
    private static final ExecutorService BOOTS = Executors.newFixedThreadPool(
            Math.max(1, Runtime.getRuntime().availableProcessors()));

    @AfterAll
    static void stop() {
        BOOTS.shutdownNow();
    }

    @TestFactory
    Stream<DynamicTest> realKernelAndVirtualKernelAgree() {
        Trees.Tree tree = Trees.require("amd64");
        for (String tool : List.of("/usr/bin/qemu-system-x86_64", "/bin/busybox", "/usr/bin/cpio")) {
            if (!Files.isExecutable(Path.of(tool))) {
                Trees.missing(tool + " not found; run apt-get install -y --no-install-recommends qemu-system-x86"
                        + " busybox-static cpio");
            }
        }
        List<Path> scenarios = Scenarios.all();
        List<CompletableFuture<Kmod.Run>> real = scenarios.stream()
                .map(s -> CompletableFuture.supplyAsync(() -> Kmod.exec(List.of("scripts/qemu/run-scenario", s.toString())),
                        BOOTS))
                .toList();
        return scenarios.stream().map(s -> DynamicTest.dynamicTest(s.getFileName().toString(), () -> {
            Kmod.Run run = real.get(scenarios.indexOf(s)).join();
            assertThat(run.status()).as("run-scenario failed: %s", run.errText()).isZero();
            assertThat(Scenarios.masked(Scenarios.virtual(tree, s))).isEqualTo(Scenarios.masked(run.outText()));
        }));
    }
}
