package org.modstack.cli.debug;

import com.sun.jna.Platform;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Unpacks JNA's native part for this platform into a directory, once per build, for the launcher
 * to name in {@code jna.boot.library.path}. Without it, JNA copies the library out of the jar
 * into a new temporary file on every run that calls a native one, naming the file with a
 * SecureRandom: a modinfo of a .ko.xz took 155 ms with that, 124 ms without. Run as
 * {@code JnaDispatch DIR}; a platform JNA has no build for leaves DIR without one, and JNA then
 * works as it would anyway.
 */
public final class JnaDispatch {
    private JnaDispatch() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Files.createDirectories(Path.of(args[0]));
        String file = System.mapLibraryName("jnidispatch");
        String resource = "/com/sun/jna/" + Platform.RESOURCE_PREFIX + "/" + file;
        try (InputStream in = JnaDispatch.class.getResourceAsStream(resource)) {
            if (in == null) {
                return;
            }
            Path staged = Files.createTempFile(dir, file, ".tmp");
            Files.copy(in, staged, StandardCopyOption.REPLACE_EXISTING);
            Files.move(staged, dir.resolve(file), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
