package org.modstack.modprobe;

import org.modstack.index.KmodVersion;

/**
 * An error libkmod logs, with where it logs it from, for each tool to print as kmod's does: the
 * tools that set their own logger (modprobe) prefix their name, the others get libkmod's
 * default one; Debian's kmod 30 is a debug build, whose messages carry their source position.
 *
 * @param file the libkmod source file, as kmod 30's messages name it
 * @param kmod30Line the line in kmod 30's file
 * @param function the function logging it
 * @param text the message, newline included
 */
public record LibkmodError(String file, int kmod30Line, String function, String text) {

    /** The line modprobe's own logger gives after its {@code modprobe: ERROR: }. */
    public String forModprobe(KmodVersion version) {
        return version == KmodVersion.KMOD30 ? position() + " " + function + "() " + text : text;
    }

    /** The whole line libkmod's default logger writes (modinfo and the tools that keep it). */
    public String byDefaultLogger(KmodVersion version) {
        return version == KmodVersion.KMOD30 ? "libkmod: ERROR " + position() + " " + function + ": " + text
                : "libkmod: ERROR: " + function + ": " + text;
    }

    private String position() {
        return "../libkmod/" + file + ":" + kmod30Line;
    }
}
