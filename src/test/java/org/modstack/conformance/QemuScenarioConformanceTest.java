package org.modstack.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

/**
 * The proof of the virtual kernel: every scenario booted on Debian's real kernel under qemu
 * (one boot per scenario, as many boots at once as there are cores) and run on the virtual
 * kernel; exit statuses, outputs, kernel log lines and state reads must be equal, addresses masked.
 * On the other generations (5.10, 6.12, 7.2) the real kernel is held to its committed oracles
 * (the virtual kernel's side of those is {@link VirtualKernelScenarioTest}'s), for the scenarios
 * that prove each generation's rules ({@link Scenarios#booted}; all with MODSTACK_QEMU_SCOPE=all).
 */
@Tag("conformance")
class QemuScenarioConformanceTest {
    private static final ExecutorService BOOTS = Executors.newFixedThreadPool(
            Math.max(1, Runtime.getRuntime().availableProcessors()));

    @AfterAll
    static void stop() {
        BOOTS.shutdownNow();
    }

    private static void requireQemu() {
        for (String tool : List.of("/usr/bin/qemu-system-x86_64", "/bin/busybox", "/usr/bin/cpio")) {
            if (!Files.isExecutable(Path.of(tool))) {
                Trees.missing(tool + " not found; run apt-get install -y --no-install-recommends qemu-system-x86"
                        + " busybox-static cpio");
            }
        }
    }

    private static CompletableFuture<Kmod.Run> boot(List<String> command) {
        return CompletableFuture.supplyAsync(() -> Kmod.exec(command), BOOTS);
    }

    @TestFactory
    Stream<DynamicTest> realKernelAndVirtualKernelAgree() {
        Trees.Tree tree = Trees.require("amd64");
        requireQemu();
        List<Path> scenarios = Scenarios.all();
        List<CompletableFuture<Kmod.Run>> real = scenarios.stream()
                .map(s -> boot(List.of("scripts/qemu/run-scenario", s.toString())))
                .toList();
        return scenarios.stream().map(s -> DynamicTest.dynamicTest(s.getFileName().toString(), () -> {
            Kmod.Run run = real.get(scenarios.indexOf(s)).join();
            assertThat(run.status()).as("run-scenario failed: %s", run.errText()).isZero();
            assertThat(Scenarios.masked(Scenarios.virtual(tree, s))).isEqualTo(Scenarios.masked(run.outText()));
        }));
    }

    @TestFactory
    Stream<DynamicNode> eachGenerationsRealKernelPrintsItsOracles() {
        requireQemu();
        List<DynamicNode> generations = new ArrayList<>();
        for (String generation : Scenarios.GENERATIONS) {
            Trees.require("amd64-" + generation);
            List<Path> scenarios = Scenarios.booted(Scenarios.all(), Scenarios.GENERATION_PROOF).stream()
                    .filter(s -> Files.exists(Scenarios.oracle(s, generation))).toList();
            List<CompletableFuture<Kmod.Run>> real = scenarios.stream()
                    .map(s -> boot(List.of("scripts/qemu/run-scenario", "-g", generation,
                            Scenarios.onGeneration(s, generation).toString())))
                    .toList();
            generations.add(DynamicContainer.dynamicContainer(generation, scenarios.stream().map(s ->
                    DynamicTest.dynamicTest(s.getFileName().toString(), () -> {
                        Kmod.Run run = real.get(scenarios.indexOf(s)).join();
                        assertThat(run.status()).as("run-scenario -g %s failed: %s", generation, run.errText())
                                .isZero();
                        String oracle = Files.readString(Scenarios.oracle(s, generation), StandardCharsets.ISO_8859_1);
                        assertThat(Scenarios.masked(run.outText())).isEqualTo(Scenarios.masked(oracle));
                    }))));
        }
        return generations.stream();
    }

    @TestFactory
    Stream<DynamicTest> everyScenarioHasAnOracleOrAReasonOnEachGeneration() {
        return Scenarios.GENERATIONS.stream().flatMap(generation -> Scenarios.all().stream().map(s ->
                DynamicTest.dynamicTest(generation + " " + s.getFileName(), () ->
                        assertThat(Files.exists(Scenarios.oracle(s, generation))
                                != Files.exists(Scenarios.absent(s, generation)))
                                .as("%s: exactly one of %s and %s", generation, Scenarios.oracle(s, generation),
                                        Scenarios.absent(s, generation))
                                .isTrue())));
    }
}
