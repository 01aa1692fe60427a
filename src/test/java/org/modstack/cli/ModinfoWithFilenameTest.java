package org.modstack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modstack.util.WorkingDirectory;

/** {@code modinfo -H}: each value of several files says which file it comes from; without it, kmod's output. */
class ModinfoWithFilenameTest {
    private static final List<String> FILES = List.of("stack_user", "chain_c", "chain_a", "stack_params").stream()
            .map(n -> SampleTree.MODULES.resolve(n + ".ko").toString()).toList();

    private static String modinfo(String... options) {
        List<String> args = new ArrayList<>(List.of("modinfo"));
        args.addAll(List.of(options));
        args.addAll(FILES);
        return SampleTree.run(args.toArray(String[]::new)).out();
    }

    @Test
    void filesNeedNoBootedKernel(@TempDir Path none) {
        assertThat(modinfo("--kernel=" + none.resolve("not-booted"))).isEqualTo(modinfo());
    }

    @Test
    void withFilenameNamesTheFileOfEachDependsValue() {
        assertThat(modinfo("-H", "-F", "depends")).isEqualTo(
                WorkingDirectory.absolute(FILES.get(0)) + ": stack_core\n"
                + WorkingDirectory.absolute(FILES.get(1)) + ": chain_b\n"
                + WorkingDirectory.absolute(FILES.get(2)) + ": \n"
                + WorkingDirectory.absolute(FILES.get(3)) + ": \n");
    }

    @Test
    void withFilenamePrefixesEveryLineOfEveryListingAndNothingElse() {
        for (List<String> mode : List.of(List.<String>of(), List.of("-p"), List.of("-0"), List.of("-F", "license"))) {
            String plain = modinfo(mode.toArray(String[]::new));
            List<String> with = new ArrayList<>(List.of("--with-filename"));
            with.addAll(mode);
            String prefixed = modinfo(with.toArray(String[]::new));
            String stripped = prefixed.replaceAll("(?m)(^|\0)/[^:\0\n]*\\.ko: ", "$1");
            assertThat(stripped).as("%s", mode).isEqualTo(plain);
            for (String record : prefixed.split("[\n\0]")) {
                assertThat(record).as("%s", mode).matches("/.*\\.ko: .*");
            }
        }
    }
}
