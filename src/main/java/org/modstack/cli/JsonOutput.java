package org.modstack.cli;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What every {@code --json} output shares: Jackson's streaming generator on standard output, so
 * a whole tree's modules are written as they are read rather than held as one document, and the
 * rule that turns modstack's byte strings into JSON text.
 */
final class JsonOutput {
    private static final JsonFactory FACTORY = new JsonFactory();

    private JsonOutput() {
    }

    /**
     * A compact generator on the tool's standard output, as {@code ip -j} prints (jq indents):
     * a whole tree's JSON is a third larger indented, and costs as much more to write.
     */
    static JsonGenerator open(ToolOutput io) {
        try {
            return FACTORY.createGenerator(io.stream(), JsonEncoding.UTF8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A generator for JSON inside an HTML {@code <script>} element: {@code <}, {@code >} and
     * {@code &} escaped as {@code \\u003c} etc., so no string can end the element early.
     */
    static JsonGenerator openInHtml(OutputStream out) throws IOException {
        JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8);
        g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        return g.setCharacterEscapes(HtmlEscapes.INSTANCE);
    }

    private static final class HtmlEscapes extends CharacterEscapes {
        private static final long serialVersionUID = 1L;
        static final HtmlEscapes INSTANCE = new HtmlEscapes();
        private final int[] ascii = standardAsciiEscapesForJSON();

        private HtmlEscapes() {
            ascii['<'] = ESCAPE_STANDARD;
            ascii['>'] = ESCAPE_STANDARD;
            ascii['&'] = ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return null;
        }
    }

    /** Writes an object's fields into the object a generator has open. */
    interface Fields {
        void write(JsonGenerator g) throws IOException;
    }

    /** A whole document on standard output: one object holding {@code fields}, then a newline. */
    static void object(ToolOutput io, Fields fields) {
        JsonGenerator g = open(io);
        try {
            g.writeStartObject();
            fields.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        close(g, io);
    }

    /** Ends the document with a newline, as a command-line tool's last line. */
    static void close(JsonGenerator g, ToolOutput io) {
        try {
            g.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        io.print('\n');
    }

    /**
     * A string as modstack holds it, one char per byte ({@link org.modstack.util.CString}), as
     * the text it is: module metadata is UTF-8 (an author's name), and JSON is Unicode.
     */
    static String text(String bytes) {
        for (int i = 0; i < bytes.length(); i++) {
            if (bytes.charAt(i) > 0x7f) {
                return new String(bytes.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
            }
        }
        return bytes;
    }

    /** Writes {@code name: text}, or {@code name: null} when there is none. */
    static void field(JsonGenerator g, String name, Optional<String> value) throws IOException {
        if (value.isPresent()) {
            g.writeStringField(name, text(value.get()));
        } else {
            g.writeNullField(name);
        }
    }

    /** A symbol CRC as {@code modprobe --show-exports} prints it ({@code 0x%08x}), or null. */
    static void crc(JsonGenerator g, OptionalLong crc) throws IOException {
        if (crc.isPresent()) {
            g.writeStringField("crc", ModuleSymbolsOutput.crc(crc.getAsLong()));
        } else {
            g.writeNullField("crc");
        }
    }
}
