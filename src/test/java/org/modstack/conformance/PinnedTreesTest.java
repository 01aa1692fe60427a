package org.modstack.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
    @ValueSource(strings = {"amd64", "amd64-xz", "amd64-zst", "armhf", "s390x"})
    void treeIsBuiltFromThePinnedPackages(String name) throws Exception {
        Trees.Tree tree = Trees.require(name);
        assertThat(Files.readAllLines(tree.root().resolve(".packages"), StandardCharsets.UTF_8))
                .containsExactlyElementsOf(Trees.pinned(name));
        assertThat(Trees.pinned(name).get(0)).as("the lock's first line for %s is its image", name)
                .startsWith("linux-image-" + tree.release() + " ");
    }
}
