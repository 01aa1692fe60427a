package org.modstack.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

/**
 * Each scenario on the virtual kernel against the transcript the real 6.1 kernel printed for it
 * (kept as {@code <scenario>.oracle.txt}; {@link QemuScenarioConformanceTest} re-runs the real
 * kernel itself), and on each other generation's virtual kernel against that generation's
 * oracles, with the fixtures built for it. Fast: no qemu.
 */
@Tag("conformance")
class VirtualKernelScenarioTest {

    @TestFactory
    Stream<DynamicTest> virtualKernelPrintsWhatTheRealKernelPrinted() {
        Trees.Tree tree = Trees.require("amd64");
        return Scenarios.all().stream().filter(s -> Files.exists(Scenarios.oracle(s)))
                .map(s -> DynamicTest.dynamicTest(s.getFileName().toString(), () -> {
                    String expected = Files.readString(Scenarios.oracle(s), StandardCharsets.ISO_8859_1);
                    assertThat(Scenarios.masked(Scenarios.virtual(tree, s))).isEqualTo(Scenarios.masked(expected));
                }));
    }

    @TestFactory
    Stream<DynamicNode> eachGenerationsVirtualKernelPrintsWhatItsRealKernelPrinted() {
        return Scenarios.GENERATIONS.stream().map(generation -> {
            Trees.Tree tree = Trees.require("amd64-" + generation);
            Path fixtures = Scenarios.FIXTURES.resolve("gen").resolve(generation);
            return DynamicContainer.dynamicContainer(generation, Scenarios.all().stream()
                    .filter(s -> Files.exists(Scenarios.oracle(s, generation)))
                    .map(s -> DynamicTest.dynamicTest(s.getFileName().toString(), () -> {
                        String expected = Files.readString(Scenarios.oracle(s, generation), StandardCharsets.ISO_8859_1);
                        String actual = Scenarios.virtual(tree, Scenarios.onGeneration(s, generation), fixtures);
                        assertThat(Scenarios.masked(actual)).isEqualTo(Scenarios.masked(expected));
                    })));
        });
    }

    @TestFactory
    Stream<DynamicTest> everyScenarioHasItsOracle() throws IOException {
        return Scenarios.all().stream().map(s -> DynamicTest.dynamicTest(s.getFileName().toString(),
                () -> assertThat(Scenarios.oracle(s)).exists()));
    }

}
