package org.modstack.conformance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.modstack.cli.Main;

/**
 * The differential scenarios of the virtual kernel (scripts/qemu/scenarios): each runs on the
 * real kernel under qemu ({@code run-scenario}) and on the virtual kernel
 * ({@code modstack kernel scenario}); the framed transcripts must be equal once module
 * addresses (which KASLR moves) are masked.
 */
final class Scenarios {
    static final Path DIR = Path.of("scripts/qemu/scenarios");
    static final Path FIXTURES = Path.of("src/test/resources/modules");

    private Scenarios() {
    }

    /** Every scenario file, sorted. */
    static List<Path> all() {
        try (Stream<Path> s = Files.list(DIR)) {
            return s.filter(p -> p.toString().endsWith(".scenario")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The real kernel's transcript kept beside a scenario. */
    static Path oracle(Path scenario) {
        String name = scenario.getFileName().toString().replace(".scenario", ".oracle.txt");
        return scenario.resolveSibling(name);
    }

    /** Debian's kernel generations proven under qemu besides 6.1 (run-scenario -g). */
    static final List<String> GENERATIONS = List.of("5.10", "6.12", "7.2");

    /** Where a generation's oracles, and its own versions of scenarios, are kept. */
    static Path generationDir(String generation) {
        return DIR.resolve("gen").resolve(generation);
    }

    /**
     * The scenario as {@code generation} runs it: its own version when a rule of the scenario
     * does not exist on that kernel (scripts/qemu/scenarios/README.md says which and why).
     */
    static Path onGeneration(Path scenario, String generation) {
        Path own = generationDir(generation).resolve(scenario.getFileName());
        return Files.exists(own) ? own : scenario;
    }

    /** The real kernel's transcript of {@code scenario} on {@code generation}. */
    static Path oracle(Path scenario, String generation) {
        return generationDir(generation).resolve(oracle(scenario).getFileName());
    }

    /** The note saying why {@code scenario} cannot exist on {@code generation}, instead of an oracle. */
    static Path absent(Path scenario, String generation) {
        String name = scenario.getFileName().toString().replace(".scenario", ".absent");
        return generationDir(generation).resolve(name);
    }

    /** The virtual kernel's transcript of {@code scenario} on the kernel of {@code tree}. */
    static String virtual(Trees.Tree tree, Path scenario) {
        return virtual(tree, scenario, FIXTURES);
    }

    /** The same, with {@code #! extra} modules taken from {@code fixtures}. */
    static String virtual(Trees.Tree tree, Path scenario, Path fixtures) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(out, err, "kernel", "scenario", "--root=" + tree.root(), "--modules=" + fixtures,
                scenario.toString());
        if (status != 0) {
            throw new AssertionError(scenario + ": " + err.toString(StandardCharsets.ISO_8859_1));
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /** A {@code /proc/modules} line, up to its address column (the kernel's {@code m_show} format). */
    private static final Pattern ADDRESS_COLUMN =
            Pattern.compile("(?m)^(\\S+ \\d+ -?\\d+ \\S+ (?:Live|Loading|Unloading) )0x[0-9a-f]+");

    /**
     * A transcript as both sides are compared: the module load address of each
     * {@code /proc/modules} line masked (it differs from boot to boot; nothing else is), and
     * carriage returns dropped, on both sides alike (the real side's come through the guest's
     * serial console, which run-scenario strips).
     */
    static String masked(String transcript) {
        return ADDRESS_COLUMN.matcher(transcript.replace("\r", "")).replaceAll("$10x<address>");
    }
}
