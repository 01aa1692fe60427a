package org.modstack.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.modstack.ErrnoException;

/** Whole directory trees: the scratch trees a check, a scenario or a training run makes and drops. */
public final class FileTrees {
    private FileTrees() {
    }

    /** Deletes {@code root} and everything under it, deepest first; the first failure stops it. */
    public static void delete(Path root) throws ErrnoException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw ErrnoException.of(e, root.toString());
        }
    }
}
