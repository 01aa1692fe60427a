package org.modstack.modprobe;

import org.modstack.index.KmodVersion;

/**
 * A message libkmod logs (an error; at {@code -vv} a note), with where it logs it from, for each
 * tool to print as kmod's does: the tools that set their own logger (modprobe, depmod) prefix
 * their name and the priority, the others get libkmod's default one; Debian's kmod 30 is a
 * debug build, whose messages carry their source position.
 *
 * @param file the libkmod source file, as kmod 30's messages name it
 * @param kmod30Line the line in kmod 30's file
 * @param function the function logging it
 * @param text the message, newline included
 * @param kmod30Text the message as kmod 30 words it
 */
public record LibkmodError(String file, int kmod30Line, String function, String text, String kmod30Text) {

    /** An error both versions word alike. */
    public LibkmodError(String file, int kmod30Line, String function, String text) {
        this(file, kmod30Line, function, text, text);
    }

    /**
     * index_mm_open's failure to map an index file of {@code size} bytes (a directory, which
     * open(2) takes and mmap(2) refuses). kmod 30 prints the descriptor where the flags belong;
     * modprobe has opened nothing else by then, so it is 3.
     */
    static LibkmodError indexNotMapped(long size) {
        String call = "mmap(NULL, " + size + ", PROT_READ, ";
        String error = ", 0): No such device\n";
        return new LibkmodError("libkmod-index.c", 778, "index_mm_open", call + "MAP_PRIVATE, 3" + error,
                call + "3, MAP_PRIVATE" + error);
    }

    /** Where modstack says the log function and the context of {@link #logFunctionRegistered} are. */
    private static final long LOG_FUNCTION_ADDRESS = 0x55d0_0000_4d70L;
    private static final long CONTEXT_ADDRESS = 0x55d0_2a00_02e0L;

    /**
     * What libkmod says (at INFO, shown at {@code -vv}) as a tool sets its own log function,
     * naming the function's address; and as the tool lets go of its context, naming the
     * context's. kmod's addresses change each run, as ASLR places them; these stand for them.
     */
    public static LibkmodError logFunctionRegistered() {
        return new LibkmodError("libkmod.c", 367, "kmod_set_log_fn",
                "custom logging function 0x" + Long.toHexString(LOG_FUNCTION_ADDRESS) + " registered\n");
    }

    /** See {@link #logFunctionRegistered}. */
    public static LibkmodError contextReleased() {
        return new LibkmodError("libkmod.c", 334, "kmod_unref",
                "context 0x" + Long.toHexString(CONTEXT_ADDRESS) + " released\n");
    }

    /** The line a tool's own logger gives after its {@code modprobe: ERROR: } (or depmod's, or INFO). */
    public String forModprobe(KmodVersion version) {
        return version == KmodVersion.KMOD30 ? position() + " " + function + "() " + kmod30Text : text;
    }

    /** The whole line libkmod's default logger writes (modinfo and the tools that keep it). */
    public String byDefaultLogger(KmodVersion version) {
        return version == KmodVersion.KMOD30 ? "libkmod: ERROR " + position() + " " + function + ": " + kmod30Text
                : "libkmod: ERROR: " + function + ": " + text;
    }

    private String position() {
        return "../libkmod/" + file + ":" + kmod30Line;
    }
}
