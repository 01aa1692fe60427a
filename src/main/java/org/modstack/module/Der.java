package org.modstack.module;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * ASN.1 values in BER, of which DER is the strict subset signatures use (X.690): an element is an
 * identifier, a length and contents; a constructed element's contents are elements in turn.
 *
 * <p>Read whole and checked on the way in, as OpenSSL's decoder reads the PKCS#7 blob libkmod
 * hands it: every length within its parent, nothing after the outermost element, and the
 * universal primitives well formed as OpenSSL's {@code c2i} functions check them (INTEGER,
 * OBJECT IDENTIFIER, BOOLEAN, NULL, BIT STRING, and the lengths of BMPString and
 * UniversalString). A damaged blob anywhere, even in a part libkmod never shows, is no
 * signature at all.
 *
 * <p>Hand-written, not BouncyCastle's reader: a signed module's modinfo spent 9 of its 74 ms
 * loading and initialising BouncyCastle's ASN.1 classes (and, through them, the JDK's security
 * properties) to read five fields. BouncyCastle stays the tests' oracle.
 */
final class Der {
    /** Tag classes, the identifier's top two bits. */
    static final int UNIVERSAL = 0;
    static final int CONTEXT = 2;

    /** Universal tag numbers. */
    static final int BOOLEAN = 1;
    static final int INTEGER = 2;
    static final int BIT_STRING = 3;
    static final int OCTET_STRING = 4;
    static final int NULL = 5;
    static final int OID = 6;
    static final int ENUMERATED = 10;
    static final int SEQUENCE = 16;
    static final int SET = 17;
    static final int UNIVERSAL_STRING = 28;
    static final int BMP_STRING = 30;

    /** Nesting deeper than this is refused: a crafted blob must not exhaust the stack. */
    private static final int MAX_DEPTH = 64;

    private Der() {
    }

    /** The blob is not a well-formed BER value (or not the structure its reader expects). */
    static final class MalformedException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedException(String message) {
            super(message, null, false, false);  // expected on damaged input: no stack to fill
        }
    }

    /**
     * One element.
     *
     * @param tagClass {@link #UNIVERSAL}, application (1), {@link #CONTEXT} or private (3)
     * @param number the tag number within its class
     * @param start the offset of its identifier in {@code bytes}
     * @param from the offset of the contents
     * @param to the end of the contents (before an indefinite length's end-of-contents)
     * @param end the end of the whole element
     * @param children the elements inside a constructed one, or inside a universal SEQUENCE or
     *     SET encoded primitive (see {@link #elementsOf}); empty for any other primitive
     */
    record Element(byte[] bytes, int tagClass, boolean constructed, int number, int start, int from, int to, int end,
                   List<Element> children) {

        boolean is(int cls, int tag) {
            return tagClass == cls && number == tag;
        }

        /**
         * This element, when it is a universal one of type {@code tag}; a SEQUENCE or SET
         * constructed, as a SEQUENCE type's must be.
         */
        Element expect(int tag) throws MalformedException {
            elementsOf(tag);
            if (!constructed && (tag == SEQUENCE || tag == SET)) {
                throw new MalformedException("universal tag " + tag + " primitive");
            }
            return this;
        }

        /** This element as the value of an ANY: a SEQUENCE or SET in it must be constructed. */
        Element any() throws MalformedException {
            return tagClass == UNIVERSAL && (number == SEQUENCE || number == SET) ? expect(number) : this;
        }

        /**
         * The elements of a SEQUENCE OF or SET OF ({@code tag}), whose constructed bit OpenSSL's
         * decoder never looks at: a primitive one's contents are elements too.
         */
        List<Element> elementsOf(int tag) throws MalformedException {
            if (!is(UNIVERSAL, tag)) {
                throw new MalformedException("expected universal tag " + tag + ", found " + tagClass + "/" + number);
            }
            return children;
        }

        /** The {@code i}th element inside. */
        Element child(int i) throws MalformedException {
            if (i >= children.size()) {
                throw new MalformedException("missing element " + i);
            }
            return children.get(i);
        }

        byte[] contents() {
            return Arrays.copyOfRange(bytes, from, to);
        }

        /** An OCTET STRING's octets, those of a constructed one's segments joined (BER). */
        byte[] octets() throws MalformedException {
            expect(OCTET_STRING);
            if (!constructed) {
                return contents();
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (Element segment : children) {
                out.writeBytes(segment.octets());
            }
            return out.toByteArray();
        }

        /** An OBJECT IDENTIFIER in dotted decimal; "" for one with an arc past a long's range. */
        String oid() throws MalformedException {
            expect(OID);
            StringBuilder dotted = new StringBuilder();
            long arc = 0;
            for (int i = from; i < to; i++) {
                if (arc >>> 56 != 0) {
                    return "";
                }
                arc = arc << 7 | (bytes[i] & 0x7f);
                if ((bytes[i] & 0x80) == 0) {
                    if (dotted.length() == 0) {
                        int first = (int) Math.min(arc / 40, 2);
                        dotted.append(first).append('.').append(arc - 40L * first);
                    } else {
                        dotted.append('.').append(arc);
                    }
                    arc = 0;
                }
            }
            return dotted.toString();
        }
    }

    /** The one element {@code der} holds, checked throughout; bytes after it are refused. */
    static Element read(byte[] der) throws MalformedException {
        Element e = element(der, 0, der.length, MAX_DEPTH);
        if (e.end() != der.length) {
            throw new MalformedException("bytes after the value");
        }
        return e;
    }

    private static Element element(byte[] b, int start, int limit, int depth) throws MalformedException {
        if (depth == 0) {
            throw new MalformedException("nested too deep");
        }
        int at = start;
        int id = byteAt(b, at++, limit);
        int cls = id >>> 6;
        boolean constructed = (id & 0x20) != 0;
        int number = id & 0x1f;
        if (number == 0x1f) {  // high tag number form: base-128 digits
            number = 0;
            int digit;
            do {
                digit = byteAt(b, at++, limit);
                if (number > Integer.MAX_VALUE >>> 7) {
                    throw new MalformedException("tag number too large");
                }
                number = number << 7 | (digit & 0x7f);
            } while ((digit & 0x80) != 0);
        }
        if (cls == UNIVERSAL && number == 0) {
            throw new MalformedException("end-of-contents where an element belongs");
        }
        int length = byteAt(b, at++, limit);
        if (length == 0x80) {
            return indefinite(b, start, at, limit, depth, cls, constructed, number);
        }
        if (length > 0x80) {
            int digits = length & 0x7f;
            if (digits > 4) {
                throw new MalformedException("length too large");
            }
            length = 0;
            for (int i = 0; i < digits; i++) {
                length = length << 8 | byteAt(b, at++, limit);
            }
            if (length < 0) {
                throw new MalformedException("length too large");
            }
        }
        if (length > limit - at) {
            throw new MalformedException("length past the end of its container");
        }
        int to = at + length;
        boolean holdsElements = constructed || cls == UNIVERSAL && (number == SEQUENCE || number == SET);
        List<Element> children = holdsElements ? children(b, at, to, depth) : List.of();
        Element e = new Element(b, cls, constructed, number, start, at, to, to, children);
        checkUniversal(e);
        return e;
    }

    /** A constructed element whose contents run to an end-of-contents marker (two zero bytes). */
    private static Element indefinite(byte[] b, int start, int at, int limit, int depth, int cls, boolean constructed,
                                      int number) throws MalformedException {
        if (!constructed) {
            throw new MalformedException("indefinite length on a primitive element");
        }
        List<Element> children = new ArrayList<>();
        int from = at;
        while (byteAt(b, at, limit) != 0 || byteAt(b, at + 1, limit) != 0) {
            Element child = element(b, at, limit, depth - 1);
            children.add(child);
            at = child.end();
        }
        Element e = new Element(b, cls, true, number, start, from, at, at + 2, List.copyOf(children));
        checkUniversal(e);
        return e;
    }

    /**
     * The elements an IMPLICIT-tagged SET OF or SEQUENCE OF holds: a constructed one's, or a
     * primitive one's contents read as elements (OpenSSL reads them either way).
     */
    static List<Element> within(Element tagged) throws MalformedException {
        return tagged.constructed() ? tagged.children()
                : children(tagged.bytes(), tagged.from(), tagged.to(), MAX_DEPTH);
    }

    private static List<Element> children(byte[] b, int at, int to, int depth) throws MalformedException {
        List<Element> children = new ArrayList<>();
        while (at < to) {
            Element child = element(b, at, to, depth - 1);
            children.add(child);
            at = child.end();
        }
        return List.copyOf(children);
    }

    /** The universal types' own rules: their encoding (primitive or constructed) and contents. */
    private static void checkUniversal(Element e) throws MalformedException {
        if (e.tagClass() != UNIVERSAL) {
            return;
        }
        int n = e.number();
        boolean primitiveOnly = n == BOOLEAN || n == INTEGER || n == NULL || n == OID || n == ENUMERATED;
        if (e.constructed() && primitiveOnly) {
            throw new MalformedException("universal tag " + n + " constructed");
        }
        if (e.constructed() || n == SEQUENCE || n == SET) {
            return;
        }
        byte[] b = e.bytes();
        int length = e.to() - e.from();
        boolean valid = switch (n) {
            case BOOLEAN -> length == 1;
            case NULL -> length == 0;
            // two's complement in the fewest octets: no redundant leading 00 or FF
            case INTEGER, ENUMERATED -> length == 1 || length > 1 && b[e.from()] != (byte) (b[e.from() + 1] >> 7);
            // base-128 arcs: none starting with a padding 0x80, the last one ended
            case OID -> length > 0 && (b[e.to() - 1] & 0x80) == 0 && arcsUnpadded(b, e.from(), e.to());
            // the unused bits of the last octet: 0 to 7, and none without a last octet
            case BIT_STRING -> length > 0 && (b[e.from()] & 0xff) <= (length > 1 ? 7 : 0);
            case UNIVERSAL_STRING -> length % 4 == 0;  // four octets a character
            case BMP_STRING -> length % 2 == 0;  // two
            default -> true;
        };
        if (!valid) {
            throw new MalformedException("malformed contents of universal tag " + n);
        }
    }

    private static boolean arcsUnpadded(byte[] b, int from, int to) {
        boolean arcStart = true;
        for (int i = from; i < to; i++) {
            if (arcStart && (b[i] & 0xff) == 0x80) {
                return false;
            }
            arcStart = (b[i] & 0x80) == 0;
        }
        return true;
    }

    private static int byteAt(byte[] b, int at, int limit) throws MalformedException {
        if (at >= limit) {
            throw new MalformedException("truncated");
        }
        return b[at] & 0xff;
    }
}
