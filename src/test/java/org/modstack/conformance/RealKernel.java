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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.modstack.util.FileTrees;

/**
 * Scenarios run on Debian's real kernel under qemu, a batch at a time: one {@code run-scenario},
 * which boots the kernel once per kernel command line and restores the booted guest for each
 * scenario, as many guests at a time as there are cores.
 */
final class RealKernel {
    private final Path dir;
    private final Kmod.Run run;

    private RealKernel(Path dir, Kmod.Run run) {
        this.dir = dir;
        this.run = run;
    }

    /**
     * Runs {@code scenarios} with run-scenario's {@code options} on {@code executor}; the
     * transcripts go to target/real-kernel/{@code label}.
     */
    static CompletableFuture<RealKernel> run(String label, List<String> options, List<Path> scenarios,
            Map<String, String> env, int timeoutSeconds, Executor executor) {
        Path dir = Path.of("target/real-kernel", label);
        return CompletableFuture.supplyAsync(() -> {
            clear(dir);
            List<String> cmd = new ArrayList<>(List.of("scripts/qemu/run-scenario", "-o", dir.toString()));
            cmd.addAll(options);
            scenarios.forEach(s -> cmd.add(s.toString()));
            return new RealKernel(dir, Kmod.exec(cmd, env, timeoutSeconds));
        }, executor);
    }

    /**
     * Runs, as one batch with run-scenario's {@code options} and {@code -g generation}, every scenario
     * with an oracle on {@code generation} (in that generation's own version where it has one): a
     * container of one test per scenario, each holding the transcript to its oracle.
     */
    static DynamicContainer givesOracles(String label, String generation, List<String> options,
            Map<String, String> env, int timeoutSeconds, Executor executor) {
        List<Path> scenarios = Scenarios.all().stream()
                .filter(s -> Files.exists(Scenarios.oracle(s, generation)))
                .map(s -> Scenarios.onGeneration(s, generation)).toList();
        List<String> withGeneration = new ArrayList<>(options);
        withGeneration.addAll(List.of("-g", generation));
        CompletableFuture<RealKernel> runs = run(label, withGeneration, scenarios, env, timeoutSeconds, executor);
        return DynamicContainer.dynamicContainer(generation, scenarios.stream().map(s -> DynamicTest.dynamicTest(
                s.getFileName().toString(), () -> runs.join().assertGives(s, Scenarios.oracle(s, generation)))));
    }

    /** Asserts that the real kernel's transcript of {@code scenario} is {@code oracle}'s, addresses masked. */
    void assertGives(Path scenario, Path oracle) throws IOException {
        String expected = Files.readString(oracle, StandardCharsets.ISO_8859_1);
        assertThat(Scenarios.masked(transcript(scenario))).isEqualTo(Scenarios.masked(expected));
    }

    /** The real kernel's transcript of {@code scenario}, or an AssertionError saying why there is none. */
    String transcript(Path scenario) throws IOException {
        String name = scenario.getFileName().toString().replace(".scenario", "");
        Path transcript = dir.resolve(name + ".transcript");
        if (Files.exists(transcript)) {
            return Files.readString(transcript, StandardCharsets.ISO_8859_1);
        }
        Path error = dir.resolve(name + ".error");
        throw new AssertionError("no real-kernel transcript of " + name + ": "
                + (Files.exists(error) ? Files.readString(error, StandardCharsets.ISO_8859_1) : run.errText()));
    }

    private static void clear(Path dir) {
        try {
            if (Files.exists(dir)) {  // no transcript of an earlier run may pass for this one's
                FileTrees.delete(dir);
            }
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
