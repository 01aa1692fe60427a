package org.modstack.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modstack.Errno;
import org.modstack.ErrnoException;

class FileTreesTest {
    @Test
    void deleteRemovesTheRootAndEverythingUnderIt(@TempDir Path dir) throws IOException {
        Path root = dir.resolve("root");
        Files.createDirectories(root.resolve("a/b"));
        Files.writeString(root.resolve("a/b/c.ko"), "x");
        Files.writeString(root.resolve("d"), "y");

        FileTrees.delete(root);

        assertThat(root).doesNotExist();
        assertThat(dir).exists();
    }

    @Test
    void deleteOfNoTreeIsEnoent(@TempDir Path dir) {
        assertThatThrownBy(() -> FileTrees.delete(dir.resolve("none")))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOENT));
    }
}
