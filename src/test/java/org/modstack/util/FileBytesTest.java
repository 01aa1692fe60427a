package org.modstack.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** FileBytes reads through java.io what Files.readAllBytes reads, and fails as it fails. */
class FileBytesTest {
    @TempDir
    Path tmp;

    @Test
    void aFileIsReadWholeAsFilesReadsIt() throws IOException {
        for (int size : new int[] {0, 1, 8191, 8192, 100_000}) {
            Path f = file("f" + size, size);
            assertThat(FileBytes.readAll(f)).as("%d bytes", size).isEqualTo(Files.readAllBytes(f));
        }
    }

    @Test
    void aProcFileIsReadToItsEndThoughItStatsAsEmpty() throws IOException {
        Path status = Path.of("/proc/self/status");
        assertThat(Files.size(status)).isZero();
        assertThat(new String(FileBytes.readAll(status))).startsWith("Name:").contains("\nPid:");
        Path maps = Path.of("/proc/self/maps");  // longer than the first read past the stat size
        assertThat(FileBytes.readAll(maps).length).isGreaterThan(8192);
    }

    @Test
    void aHeadIsTheFirstBytesOrAShorterFileWhole() throws IOException {
        Path f = file("f", 100);
        assertThat(FileBytes.readHead(f, 16)).isEqualTo(java.util.Arrays.copyOf(Files.readAllBytes(f), 16));
        assertThat(FileBytes.readHead(f, 200)).isEqualTo(Files.readAllBytes(f));
    }

    @Test
    void aSmallFileIsReadIntoAnArrayALargeOneMapped() throws IOException {
        Path small = file("small", FileBytes.READ_LIMIT);
        Path large = file("large", FileBytes.READ_LIMIT + 1);
        ByteBuffer read = FileBytes.readOrMap(small);
        assertThat(read.hasArray()).isTrue();
        assertThat(read.array()).isEqualTo(Files.readAllBytes(small));
        ByteBuffer mapped = FileBytes.readOrMap(large);
        assertThat(mapped.isDirect()).isTrue();
        assertThat(mapped.isReadOnly()).isTrue();
        assertThat(mapped.remaining()).isEqualTo(FileBytes.READ_LIMIT + 1);
        assertThat(mapped).isEqualTo(ByteBuffer.wrap(Files.readAllBytes(large)));
    }

    @Test
    void failuresAreTheExceptionsFilesThrows() {
        Path missing = tmp.resolve("missing");
        assertThatThrownBy(() -> Files.readAllBytes(missing)).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> FileBytes.readAll(missing)).isInstanceOf(NoSuchFileException.class)
                .hasMessage(missing.toString());
        assertThatThrownBy(() -> FileBytes.readOrMap(tmp.resolve("missing/below"))).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> FileBytes.readHead(tmp, 4)).isInstanceOf(FileSystemException.class)
                .hasMessage(tmp + ": Is a directory");
    }

    private Path file(String name, int size) throws IOException {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return Files.write(tmp.resolve(name), bytes);
    }
}
