package org.modstack.depmod;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.modstack.ErrnoException;

/**
 * The set of files depmod publishes in a module directory, and the one place that writes
 * them.
 *
 * <p>Every file is first written whole under a temporary name in the same directory; only
 * when all are written are they renamed into place, in kmod's order. A run killed while
 * writing leaves the previous set untouched; one killed during the renames (a few
 * milliseconds) leaves the first files new and the rest old, each file whole. No reader ever
 * sees a truncated index. (kmod renames each file as soon as it is written, so a kill there
 * mixes the set during the whole run.)
 */
public final class IndexSet {
    private IndexSet() {
    }

    /**
     * The system property that makes {@link #write} pause after each staged file and each
     * rename, in milliseconds: it stretches both phases so that {@code DepmodKillTest} can aim a
     * SIGKILL at each. Unset (no pause) in any real use.
     */
    public static final String PAUSE_PROPERTY = "org.modstack.depmod.writePauseMillis";
    private static final long PAUSE_MILLIS = Long.getLong(PAUSE_PROPERTY, 0);

    /**
     * One output file.
     *
     * @param name the file name, e.g. {@code modules.dep.bin}
     * @param contents the file's bytes, read-only: rendered in the heap, or an unchanged file
     *     mapped from disk
     */
    public record File(String name, ByteBuffer contents) {
        public File {
            contents = contents.asReadOnlyBuffer();
        }

        /** A file of rendered bytes. */
        public File(String name, byte[] contents) {
            this(name, ByteBuffer.wrap(contents));
        }

        /** The contents as a new byte array. */
        public byte[] bytes() {
            byte[] b = new byte[contents.remaining()];
            contents.duplicate().get(b);
            return b;
        }
    }

    /** Writes every file into {@code dir} (created if missing), atomically as a set. */
    public static void write(Path dir, List<File> files) throws ErrnoException {
        List<Path[]> staged = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            String unique = "." + ProcessHandle.current().pid() + "." + System.nanoTime();
            for (File f : files) {
                Path tmp = dir.resolve(f.name() + unique);
                staged.add(new Path[] {tmp, dir.resolve(f.name())});
                writeNew(tmp, f.contents().duplicate());
                pause();
            }
            for (Path[] p : staged) {
                Files.move(p[0], p[1], StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                pause();
            }
        } catch (IOException e) {
            for (Path[] p : staged) {
                try {
                    Files.deleteIfExists(p[0]);
                } catch (IOException ignored) {
                    // best effort: the error being reported matters more
                }
            }
            throw ErrnoException.of(e, dir.toString());
        }
    }

    private static void writeNew(Path file, ByteBuffer contents) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            while (contents.hasRemaining()) {
                ch.write(contents);
            }
        }
    }

    private static void pause() {
        if (PAUSE_MILLIS > 0) {
            try {
                Thread.sleep(PAUSE_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
