package org.modstack.conformance;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/** Random modprobe.d lines, made of the pieces its parser tells apart. */
final class RandomConfig {
    private static final List<String> COMMANDS = List.of("alias", "options", "install", "remove", "softdep",
            "weakdep", "blacklist", "include", "config", "frobnicate", "", "#", "Alias", "options\\");
    private static final List<String> NAMES = List.of("snd-hda-intel", "snd_hda_intel", "real-module", "my-alias",
            "pci:v00008086d*sv*", "usb:v1234p[0-9a-f]*-x*", "a-[b-c]-d", "bad]x", "[unclosed", "x?y", "*", "-",
            "_", "dots.in.name", "sd-*", "UPPER-Case", "e\u00e9-x", "a\\b", "crlf\r", "");
    private static final List<String> WORDS = List.of("pre:", "post:", "pre:post:", "pre:x", "post:y", "a=1",
            "b=\"c d\"", "e=\"unterminated", "$CMDLINE_OPTS", "/bin/true", ";", "&&", "=", "\"", "\\", "#c", "z=");
    private static final List<String> BLANKS = List.of(" ", " ", " ", "\t", "  ", " \t ", "\\\n", "\u000b", "\f",
            "\r");

    private RandomConfig() {
    }

    /** {@code count} lines, each a command and up to six words, in ISO-8859-1 with some control and high bytes. */
    static byte[] lines(Random random, int count) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < count; i++) {
            StringBuilder line = new StringBuilder();
            if (random.nextInt(8) == 0) {
                line.append(pick(random, BLANKS));
            }
            line.append(pick(random, COMMANDS));
            for (int w = random.nextInt(7); w > 0; w--) {
                line.append(pick(random, BLANKS)).append(random.nextBoolean() ? pick(random, NAMES) : pick(random, WORDS));
            }
            if (random.nextInt(6) == 0) {
                line.append(pick(random, BLANKS));
            }
            byte[] b = line.append('\n').toString().getBytes(StandardCharsets.ISO_8859_1);
            if (random.nextInt(10) == 0) {
                b[random.nextInt(b.length)] = (byte) random.nextInt(256);
            }
            out.writeBytes(b);
        }
        return out.toByteArray();
    }

    private static String pick(Random random, List<String> from) {
        return from.get(random.nextInt(from.size()));
    }
}
