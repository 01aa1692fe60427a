package org.modstack.util;

import java.nio.charset.StandardCharsets;

/**
 * PATH_MAX, the size of the buffers kmod's tools build a path in with {@code snprintf}: a path
 * of 4,096 bytes or more does not fit. kmod 30's tools go on with it cut to 4,095 bytes where
 * kmod 34's refuse it.
 */
public final class PathMax {
    /** Bytes in the buffer, its terminating NUL included. */
    public static final int PATH_MAX = 4096;

    private PathMax() {
    }

    /** Whether {@code path} fits in the buffer, its NUL too. */
    public static boolean fits(String path) {
        return path.length() < PATH_MAX / 3 || bytes(path).length < PATH_MAX;
    }

    /** {@code path} as {@code snprintf} leaves it in the buffer: its first 4,095 bytes. */
    public static String cut(String path) {
        byte[] b = bytes(path);
        return b.length < PATH_MAX ? path : new String(b, 0, PATH_MAX - 1, StandardCharsets.UTF_8);
    }

    /** The bytes a C tool sees: the JVM decodes arguments and file names as UTF-8 here. */
    private static byte[] bytes(String path) {
        return path.getBytes(StandardCharsets.UTF_8);
    }
}
