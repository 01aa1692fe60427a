package org.modstack.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

/**
 * The proof of the live path (issue 16): every scenario run inside Debian's real kernel under
 * qemu with modstack's tools instead of kmod's ({@code run-scenario -T modstack}: a jlinked JRE
 * and modstack in the initramfs, every step in one JVM on the live kernel) must give the committed
 * oracle, kmod's transcript on the same kernel (QemuScenarioConformanceTest proves kmod's own run
 * still gives it). And a snapshot of the running guest ({@code kernel boot --from-running}, taken
 * after kmod ran the first steps) must carry on, on the virtual kernel, as the real one did.
 */
@Tag("conformance")
class LiveGuestConformanceTest {
    private static final ExecutorService BOOTS = Executors.newFixedThreadPool(
            Math.max(1, Runtime.getRuntime().availableProcessors()));
    /** A guest run's limit: a JVM under TCG on a loaded machine is slow. */
    private static final int TIMEOUT_SECONDS = 900;

    /** Scenarios snapshotted part-way: name and the number of steps kmod runs before the snapshot. */
    /** The scenarios booted with modstack's tools by default (all with MODSTACK_QEMU_SCOPE=all). */
    private static final Set<String> LIVE_PROOF = Set.of("stack-basic", "chain-load-unload",
            "modprobe-r-shared-dependency", "params-valid", "rmmod-in-use", "damaged-not-elf", "insmod-already-loaded");

    private static final Map<String, Integer> SNAPSHOTS = Map.of(
            "chain-load-unload", 2,
            "modprobe-r-shared-dependency", 2,
            "taint-inherit", 1,
            "debian-shared-deps", 1,
            "stack-basic", 4);

    @AfterAll
    static void stop() {
        BOOTS.shutdownNow();
    }

    @TestFactory
    Stream<DynamicTest> modstackOnTheLiveKernelGivesTheOracle() {
        Map<String, String> env = prerequisites();
        List<Path> scenarios = Scenarios.booted(Scenarios.all(), LIVE_PROOF);
        List<CompletableFuture<Kmod.Run>> runs = scenarios.stream().map(s -> boot(env, s, List.of())).toList();
        return scenarios.stream().map(s -> DynamicTest.dynamicTest(s.getFileName().toString(),
                () -> assertOracle(s, runs.get(scenarios.indexOf(s)).join())));
    }

    @TestFactory
    Stream<DynamicTest> snapshotCarriesOnAsTheLiveKernel() {
        Map<String, String> env = prerequisites();
        List<String> names = Scenarios.booted(SNAPSHOTS.keySet().stream().sorted()
                .map(n -> Scenarios.DIR.resolve(n + ".scenario")).toList(), Set.of("stack-basic", "taint-inherit"))
                .stream().map(p -> p.getFileName().toString().replace(".scenario", "")).toList();
        List<CompletableFuture<Kmod.Run>> runs = names.stream()
                .map(n -> boot(env, Scenarios.DIR.resolve(n + ".scenario"), List.of("-S", SNAPSHOTS.get(n).toString())))
                .toList();
        return names.stream().map(n -> DynamicTest.dynamicTest(n + " after step " + SNAPSHOTS.get(n),
                () -> assertOracle(Scenarios.DIR.resolve(n + ".scenario"), runs.get(names.indexOf(n)).join())));
    }

    private static void assertOracle(Path scenario, Kmod.Run run) throws IOException {
        assertThat(run.status()).as("run-scenario failed: %s", run.errText()).isZero();
        String oracle = Files.readString(Scenarios.oracle(scenario), StandardCharsets.ISO_8859_1);
        assertThat(Scenarios.masked(run.outText())).isEqualTo(Scenarios.masked(oracle));
    }

    private static CompletableFuture<Kmod.Run> boot(Map<String, String> env, Path scenario, List<String> options) {
        List<String> cmd = new ArrayList<>(List.of("scripts/qemu/run-scenario", "-T", "modstack", "-t",
                String.valueOf(TIMEOUT_SECONDS - 60)));
        cmd.addAll(options);
        cmd.add(scenario.toString());
        return CompletableFuture.supplyAsync(() -> Kmod.exec(cmd, env, TIMEOUT_SECONDS), BOOTS);
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
