package org.modstack.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

/**
 * The proof of the virtual kernel: every scenario run on Debian's real kernel under qemu and on the
 * virtual kernel; exit statuses, outputs, kernel log lines and state reads must be equal, addresses
 * masked. On 6.1 the virtual kernel is compared with the real kernel's run directly; on the other
 * generations (5.10, 6.12, 7.2) the real kernel is held to its committed oracles (the virtual
 * kernel's side of those is {@link VirtualKernelScenarioTest}'s). Each generation is one
 * {@link RealKernel} batch: a boot per kernel command line, a restored guest per scenario.
 */
@Tag("conformance")
class QemuScenarioConformanceTest {
    /** One batch at a time: each runs as many guests at once as there are cores. */
    private static final ExecutorService BATCHES = Executors.newSingleThreadExecutor();
    /** A generation's batch: 64 scenarios, about 5 boots, on a loaded 2-core machine. */
    private static final int TIMEOUT_SECONDS = 1800;
    /** One guest's limit (run-scenario -t): a TCG boot on a loaded machine can take minutes. */
    private static final List<String> GUEST_LIMIT = List.of("-t", "600");
    /** The random scenarios' seed and count; a larger run explores: {@code -Dmodstack.randomScenarios.count=30}. */
    private static final long RANDOM_SEED = Long.getLong("modstack.randomScenarios.seed", 7);
    private static final int RANDOM_SCENARIOS = Integer.getInteger("modstack.randomScenarios.count", 8);
    private static final int RANDOM_STEPS = 30;

    @AfterAll
    static void stop() {
        BATCHES.shutdownNow();
    }

    private static void requireQemu() {
        for (String tool : List.of("/usr/bin/qemu-system-x86_64", "/bin/busybox", "/usr/bin/cpio")) {
            if (!Files.isExecutable(Path.of(tool))) {
                Trees.missing(tool + " not found; run apt-get install -y --no-install-recommends qemu-system-x86"
                        + " busybox-static cpio");
            }
        }
    }

    @TestFactory
    Stream<DynamicTest> realKernelAndVirtualKernelAgree() {
        Trees.Tree tree = Trees.require("amd64");
        requireQemu();
        return agree("6.1", GUEST_LIMIT, Scenarios.all(), tree, Scenarios.FIXTURES);
    }

    /**
     * Random scenarios ({@link RandomScenarios}) on 6.1's real kernel and on the virtual kernel:
     * orders and combinations no written scenario thought of. One boot, a restored guest each.
     */
    @TestFactory
    Stream<DynamicTest> randomScenariosAgree() throws IOException {
        Trees.Tree tree = Trees.require("amd64");
        requireQemu();
        List<Path> scenarios = RandomScenarios.write(Path.of("target/random-scenarios/6.1"), Scenarios.FIXTURES,
                RANDOM_SEED, RANDOM_SCENARIOS, RANDOM_STEPS);
        return agree("6.1-random", GUEST_LIMIT, scenarios, tree, Scenarios.FIXTURES);
    }

    /** The same on the other generations' real kernels, against each generation's virtual kernel. */
    @TestFactory
    Stream<DynamicContainer> randomScenariosAgreeOnEachGeneration() throws IOException {
        requireQemu();
        List<DynamicContainer> out = new ArrayList<>();
        for (String generation : Scenarios.GENERATIONS) {
            Trees.Tree tree = Trees.require("amd64-" + generation);
            Path fixtures = Scenarios.FIXTURES.resolve("gen").resolve(generation);
            List<Path> scenarios = RandomScenarios.write(Path.of("target/random-scenarios", generation), fixtures,
                    RANDOM_SEED, RANDOM_SCENARIOS, RANDOM_STEPS);
            List<String> options = new ArrayList<>(GUEST_LIMIT);
            options.addAll(List.of("-g", generation));
            out.add(DynamicContainer.dynamicContainer(generation,
                    agree(generation + "-random", options, scenarios, tree, fixtures)));
        }
        return out.stream();
    }

    /**
     * A test per scenario: its transcript on a real kernel (one batch of run-scenario with
     * {@code options}) equals the virtual kernel's of {@code tree}, fixtures from {@code fixtures}.
     */
    private static Stream<DynamicTest> agree(String label, List<String> options, List<Path> scenarios,
                                             Trees.Tree tree, Path fixtures) {
        CompletableFuture<RealKernel> real =
                RealKernel.run(label, options, scenarios, Map.of(), TIMEOUT_SECONDS, BATCHES);
        return scenarios.stream().map(s -> DynamicTest.dynamicTest(s.getFileName().toString(), () ->
                assertThat(Scenarios.masked(Scenarios.virtual(tree, s, fixtures)))
                        .isEqualTo(Scenarios.masked(real.join().transcript(s)))));
    }

    @TestFactory
    Stream<DynamicContainer> eachGenerationsRealKernelPrintsItsOracles() {
        requireQemu();
        return Scenarios.GENERATIONS.stream().map(generation -> {
            Trees.require("amd64-" + generation);
            return RealKernel.givesOracles(generation, generation, GUEST_LIMIT, Map.of(), TIMEOUT_SECONDS, BATCHES);
        }).toList().stream();  // every batch queued now, one after another
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
