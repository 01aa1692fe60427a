package org.modstack.cli;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import java.nio.charset.StandardCharsets;

/**
 * The system log, as kmod's tools write to it under {@code --syslog}: openlog(3) with the
 * tool's name, {@code LOG_CONS} and {@code LOG_DAEMON}, then syslog(3) for each message. Through
 * the C library, loaded only by a run that asks for it.
 */
final class SystemLog {
    /** openlog's option: to the console when the logger cannot be reached. */
    private static final int LOG_CONS = 0x02;
    /** The facility kmod's tools log as. */
    private static final int LOG_DAEMON = 3 << 3;

    private interface C extends Library {
        C LIBC = Native.load("libc.so.6", C.class);

        void openlog(Memory ident, int option, int facility);

        void syslog(int priority, String format, Object... args);
    }

    /** openlog(3) keeps the pointer it is given: the name must outlive every message. */
    private static Memory ident;

    private SystemLog() {
    }

    static synchronized void open(String tool) {
        byte[] name = tool.getBytes(StandardCharsets.ISO_8859_1);
        ident = new Memory(name.length + 1L);
        ident.write(0, name, 0, name.length);
        ident.setByte(name.length, (byte) 0);
        C.LIBC.openlog(ident, LOG_CONS, LOG_DAEMON);
    }

    /** One message at {@code priority} (syslog's LOG_CRIT to LOG_DEBUG), as kmod words it: {@code "ERROR: ..."}. */
    static void send(int priority, String text) {
        C.LIBC.syslog(priority, "%s", text);
    }
}
