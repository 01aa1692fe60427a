package org.modstack.cli.debug;

import com.sun.jna.Platform;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Unpacks the native parts the jar carries for this platform into a directory, once per build,
 * for the launcher to name: JNA's dispatch library ({@code jna.boot.library.path}) and zstd-jni's
 * ({@code ZstdNativePath}). Without them, each library copies its part out of the jar into a new
 * temporary file on every run that uses it, opening and indexing the jar first: a modinfo of a
 * .ko.xz took 155 ms with that, 124 without (2026-11); of a .ko.zst, 152 against 112
 * (2026-12-02, the machine loaded). Run as {@code NativeParts DIR}; a part this platform has no
 * build of (or a zstd-jni whose resource can no longer be named) is left out, and its library
 * then unpacks it as it would anyway.
 */
public final class NativeParts {
    /** The name the launcher gives zstd-jni's part (the jar's names carry its version). */
    private static final String ZSTD = "libzstd-jni.so";

    private NativeParts() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Files.createDirectories(Path.of(args[0]));
        String jna = System.mapLibraryName("jnidispatch");
        unpack("/com/sun/jna/" + Platform.RESOURCE_PREFIX + "/" + jna, dir.resolve(jna));
        String zstd = zstdResource();
        if (zstd != null) {
            unpack(zstd, dir.resolve(ZSTD));
        }
    }

    private static void unpack(String resource, Path target) throws IOException {
        try (InputStream in = NativeParts.class.getResourceAsStream(resource)) {
            if (in == null) {
                return;
            }
            Path staged = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
            Files.copy(in, staged, StandardCopyOption.REPLACE_EXISTING);
            Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * zstd-jni's resource for this platform, as its loader names it (a private method, read
     * here rather than its mapping of system names copied); null when that cannot be asked.
     */
    private static String zstdResource() {
        try {
            Method name = com.github.luben.zstd.util.Native.class.getDeclaredMethod("resourceName");
            name.setAccessible(true);
            return (String) name.invoke(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
