package org.modstack.conformance;


import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
 * The proof of the live path (issue 16): every scenario run inside Debian's real kernel under
 * qemu with modstack's tools instead of kmod's ({@code run-scenario -T modstack}: a jlinked JRE
 * and modstack in the initramfs, every step in one JVM on the live kernel) must give the committed
 * oracle, kmod's transcript on the same kernel (QemuScenarioConformanceTest proves kmod's own run
 * still gives it), on every generation's kernel (6.1, 5.10, 6.12, 7.2). And on 6.1 a snapshot of
 * the running guest ({@code kernel boot --from-running}, taken after kmod ran the first steps)
 * must carry on, on the virtual kernel, as the real one did.
 */
@Tag("conformance")
class LiveGuestConformanceTest {
    /** One batch at a time: each runs as many guests at once as there are cores. */
    private static final ExecutorService BATCHES = Executors.newSingleThreadExecutor();
    /** A guest run's limit: a JVM under TCG on a loaded machine is slow. */
    private static final int GUEST_SECONDS = 840;
    /** A batch's: a generation's 64 scenarios, two guests at a time, took 4 to 5 minutes on 2 quiet cores. */
    private static final int BATCH_SECONDS = 3600;

    /** Scenarios snapshotted part-way: name and the number of steps kmod runs before the snapshot. */
    private static final Map<String, Integer> SNAPSHOTS = Map.of(
            "chain-load-unload", 2,
            "modprobe-r-shared-dependency", 2,
            "taint-inherit", 1,
            "debian-shared-deps", 1,
            "stack-basic", 4);

    @AfterAll
    static void stop() {
        BATCHES.shutdownNow();
    }

    @TestFactory
    Stream<DynamicTest> modstackOnTheLiveKernelGivesTheOracle() {
        Map<String, String> env = prerequisites();
        List<Path> scenarios = Scenarios.all();
        CompletableFuture<RealKernel> runs = RealKernel.run("live", options(), scenarios, env, BATCH_SECONDS, BATCHES);
        return scenarios.stream().map(s -> DynamicTest.dynamicTest(s.getFileName().toString(),
                () -> runs.join().assertGives(s, Scenarios.oracle(s))));
    }

    @TestFactory
    Stream<DynamicContainer> modstackOnEachGenerationsLiveKernelGivesItsOracles() {
        Map<String, String> env = prerequisites();
        return Scenarios.GENERATIONS.stream().map(generation -> {
            Trees.require("amd64-" + generation);
            return RealKernel.givesOracles("live-" + generation, generation, options(), env, BATCH_SECONDS, BATCHES);
        }).toList().stream();  // every batch queued now, one after another
    }

    @TestFactory
    Stream<DynamicTest> snapshotCarriesOnAsTheLiveKernel() {
        Map<String, String> env = prerequisites();
        // a batch per number of steps before the snapshot (run-scenario's -S is the whole run's)
        Map<Integer, List<String>> byStep = new TreeMap<>();
        SNAPSHOTS.forEach((name, step) -> byStep.computeIfAbsent(step, k -> new ArrayList<>()).add(name));
        List<DynamicTest> tests = new ArrayList<>();
        byStep.forEach((step, names) -> {
            List<Path> scenarios = names.stream().sorted().map(n -> Scenarios.DIR.resolve(n + ".scenario")).toList();
            List<String> options = new ArrayList<>(options());
            options.addAll(List.of("-S", step.toString()));
            CompletableFuture<RealKernel> runs =
                    RealKernel.run("live-snapshot-" + step, options, scenarios, env, BATCH_SECONDS, BATCHES);
            scenarios.forEach(s -> tests.add(DynamicTest.dynamicTest(
                    s.getFileName().toString().replace(".scenario", "") + " after step " + step,
                    () -> runs.join().assertGives(s, Scenarios.oracle(s)))));
        });
        return tests.stream();
    }

    private static List<String> options() {
        return List.of("-T", "modstack", "-t", String.valueOf(GUEST_SECONDS));
    }

    /** The tools the guest needs; the environment that tells run-scenario where modstack is. */
    private static Map<String, String> prerequisites() {
        Trees.require("amd64");
        for (String tool : List.of("/usr/bin/qemu-system-x86_64", "/bin/busybox", "/usr/bin/cpio", "/usr/bin/zstd",
                "/usr/bin/zip", "/usr/bin/unzip", "/usr/lib/jvm/java-17-openjdk-amd64/bin/jlink")) {
            if (!Files.isExecutable(Path.of(tool))) {
                Trees.missing(tool + " not found; run apt-get install -y --no-install-recommends qemu-system-x86"
                        + " busybox-static cpio zstd zip unzip openjdk-17-jdk-headless");
            }
        }
        Path runtime = Path.of("target/runtime.classpath");
        try {
            String jars = Files.readString(runtime).strip();
            return Map.of("MODSTACK_GUEST_CLASSPATH", Path.of("target/classes").toAbsolutePath() + ":" + jars);
        } catch (IOException e) {
            throw new UncheckedIOException(runtime + " missing: run the tests through mvn (generate-test-resources)", e);
        }
    }
}
