package org.modstack.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The CI-side guard of issue 9: every Debian tree the suite compares against is built from the
 * exact packages {@code scripts/debian-packages.lock} pins ({@link Trees#require} checks the tree's
 * {@code .packages} and prints them), and the lock pins the packages a tree is made of.
 */
@Tag("conformance")
class PinnedTreesTest {

    @ParameterizedTest
    @ValueSource(strings = {"amd64", "amd64-xz", "amd64-zst", "armhf", "s390x", "amd64-5.10", "amd64-6.12",
        "amd64-7.2"})
    void treeIsBuiltFromThePinnedPackages(String name) throws Exception {
        Trees.Tree tree = Trees.require(name);
        assertThat(Files.readAllLines(tree.root().resolve(".packages"), StandardCharsets.UTF_8))
                .containsExactlyElementsOf(Trees.pinned(name));
        assertThat(Trees.pinned(name).get(0)).as("the lock's first line for %s is its image", name)
                .startsWith("linux-image-" + tree.release() + " ");
    }

    /** What a qemu boot of the tree needs, where fetch-trees recorded it (7.x keeps it in the module dir). */
    @ParameterizedTest
    @ValueSource(strings = {"amd64-5.10", "amd64-6.12", "amd64-7.2"})
    void treeRecordsItsKernelAndConfig(String name) throws Exception {
        Trees.Tree tree = Trees.require(name);
        for (String file : List.of("VMLINUZ", "CONFIG")) {
            Path where = tree.root().resolve(Files.readString(tree.root().resolve(file)).strip());
            assertThat(where).as("%s's %s", name, file).isRegularFile().isNotEmptyFile();
        }
        assertThat(tree.root().resolve("Module.symvers")).isNotEmptyFile();
    }

    /** trixie's and forky's packages put the modules under usr/lib: the tree has an installed system's link. */
    @ParameterizedTest
    @ValueSource(strings = {"amd64-6.12", "amd64-7.2"})
    void mergedUsrTreeLinksLibToUsrLib(String name) throws Exception {
        Trees.Tree tree = Trees.require(name);
        assertThat(Files.readSymbolicLink(tree.root().resolve("lib"))).isEqualTo(Path.of("usr/lib"));
        assertThat(tree.moduleDir().resolve("modules.dep")).isNotEmptyFile();
    }
}
