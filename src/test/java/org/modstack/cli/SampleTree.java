package org.modstack.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.modstack.Fixtures;

/**
 * The sample tree: the carried Debian 6.1 kernel's files (the one the sample modules were built
 * for, named whatever the default kernel is) with our stack modules in {@code extra/}, indexed by
 * our depmod, as a user who installed them would have it.
 */
final class SampleTree {
    static final Path MODULES = Path.of("src/test/resources/modules");
    static final String RELEASE = Fixtures.KERNEL_6_1.release();
    static final List<String> STACK = List.of("stack_core", "stack_user", "stack_user2", "stack_alias", "stack_params",
            "stack_nons", "chain_a", "chain_b", "chain_c", "stack_prop", "stack_propcore", "stack_propuser");

    /** What one in-process tool run printed. */
    record Run(int status, String out, String err) {
    }

    private SampleTree() {
    }

    /** Writes the tree under {@code root} and returns its module directory. */
    static Path write(Path root) throws IOException {
        Fixtures.KERNEL_6_1.write(root);
        Path extra = Files.createDirectories(moduleDir(root).resolve("extra"));
        for (String n : STACK) {
            Files.copy(MODULES.resolve(n + ".ko"), extra.resolve(n + ".ko"));
        }
        run("depmod", "-b", root.toString(), RELEASE);
        return moduleDir(root);
    }

    static Path moduleDir(Path root) {
        return root.resolve("lib/modules/" + RELEASE);
    }

    /** The sample modules' files in {@code extra/}. */
    static List<String> files(Path root) {
        List<String> out = new ArrayList<>();
        STACK.forEach(n -> out.add(moduleDir(root).resolve("extra/" + n + ".ko").toString()));
        return out;
    }

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(out, err, args);
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
