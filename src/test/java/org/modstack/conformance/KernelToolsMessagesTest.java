package org.modstack.conformance;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.modstack.kernel.EmbeddedKernel;
import org.modstack.kernel.KernelStore;

/**
 * insmod, rmmod and lsmod against kmod's own binaries where the answer does not depend on a
 * kernel (usage errors, missing files, a module that is not loaded): only cases that never
 * reach init_module or delete_module on this machine's kernel. What the kernel answers is
 * proven by the qemu scenarios.
 */
@Tag("conformance")
class KernelToolsMessagesTest {
    @TempDir
    static Path tmp;

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("insmod", List.of()),
                Arguments.of("insmod", List.of("-")),
                Arguments.of("insmod", List.of("/nonexistent/stack_core.ko")),
                Arguments.of("insmod", List.of("-x", "a.ko")),
                Arguments.of("insmod", List.of("--nosuch")),
                Arguments.of("rmmod", List.of()),
                Arguments.of("rmmod", List.of("modstack_nosuch_module")),
                Arguments.of("rmmod", List.of("modstack-nosuch-module", "modstack_other")),
                Arguments.of("rmmod", List.of("-q")),
                Arguments.of("lsmod", List.of("extra")));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void sameWordsAsKmod(String tool, List<String> args) throws Exception {
        Trees.requireKmod();
        Path dir = tmp.resolve("kernel");
        if (!KernelStore.exists(dir)) {
            EmbeddedKernel.writeTree(tmp.resolve("root"));
            KernelStore.boot(dir, tmp.resolve("root"), null, "", false).close();
        }
        List<String> ours = new ArrayList<>(args);
        if (!tool.equals("lsmod")) {
            ours.add(0, "--kernel=" + dir);
        }
        Comparison.assertSame(tool + " " + args, Kmod.real(tool, args), Kmod.ours(tool, ours));
    }
}
