package org.modstack.module;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * ASN.1 values in BER, of which DER is the strict subset signatures use (X.690): an element is an
 * identifier, a length and contents; a constructed element's contents are elements in turn.
 *
 * <p>Read as OpenSSL's template decoder reads the PKCS#7 blob libkmod hands it: an element's
 * header when its container is read, its contents only when the reader descends into them
 * (a value of type ANY that is a SEQUENCE, or of a tag no universal type has, stays opaque),
 * and a primitive type's contents checked as OpenSSL's {@code c2i} functions check them when
 * it is read as that type (INTEGER, OBJECT IDENTIFIER, BOOLEAN, NULL, BIT STRING, and the
 * lengths of BMPString and UniversalString). A constructed string's segments are collected
 * first, whatever their tags. A damaged blob wherever the decoder looks, even in a part
 * libkmod never shows, is no signature at all.
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

    /** Constructed segments inside a constructed string, at most (OpenSSL's ASN1_MAX_STRING_NEST). */
    private static final int MAX_STRING_NEST = 5;
    /** How deep OpenSSL's decoder reads types inside types (its ASN1_MAX_CONSTRUCTED_NEST). */
    static final int MAX_CONSTRUCTED_NEST = 30;

    private Der() {
    }

    /** The blob is not a well-formed BER value (or not the structure its reader expects). */
    static final class MalformedException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedException(String message) {
            super(message, null, false, false);  // expected on damaged input: no stack to fill
        }
    }

    /** One element: its header read, its contents read when asked for. */
    static final class Element {
        private final byte[] bytes;
        private final int tagClass;
        private final boolean constructed;
        private final int number;
        private final int start;
        private final int from;
        private final int to;
        private final int end;
        private List<Element> children;

        /**
         * @param tagClass {@link #UNIVERSAL}, application (1), {@link #CONTEXT} or private (3)
         * @param number the tag number within its class
         * @param start the offset of its identifier in {@code bytes}
         * @param from the offset of the contents
         * @param to the end of the contents (before an indefinite length's end-of-contents)
         * @param end the end of the whole element
         */
        private Element(byte[] bytes, int tagClass, boolean constructed, int number, int start, int from, int to,
                        int end) {
            this.bytes = bytes;
            this.tagClass = tagClass;
            this.constructed = constructed;
            this.number = number;
            this.start = start;
            this.from = from;
            this.to = to;
            this.end = end;
        }

        byte[] bytes() {
            return bytes;
        }

        int tagClass() {
            return tagClass;
        }

        boolean constructed() {
            return constructed;
        }

        int number() {
            return number;
        }

        int start() {
            return start;
        }

        int from() {
            return from;
        }

        int to() {
            return to;
        }

        int end() {
            return end;
        }

        boolean is(int cls, int tag) {
            return tagClass == cls && number == tag;
        }

        /**
         * This element read as a value of the universal type {@code tag}: a SEQUENCE or SET
         * constructed, as a SEQUENCE type's must be; any other type's contents by its rules.
         */
        Element expect(int tag) throws MalformedException {
            if (!is(UNIVERSAL, tag)) {
                throw new MalformedException("expected universal tag " + tag + ", found " + tagClass + "/" + number);
            }
            checkValue(this);
            return this;
        }

        /**
         * This element read as the value of an ANY: a universal one as a value of its type, any
         * other left as it is.
         */
        Element any() throws MalformedException {
            return tagClass == UNIVERSAL ? expect(number) : this;
        }

        /**
         * The elements of a SEQUENCE OF or SET OF ({@code tag}), whose constructed bit OpenSSL's
         * decoder never looks at.
         */
        List<Element> elementsOf(int tag) throws MalformedException {
            if (!is(UNIVERSAL, tag)) {
                throw new MalformedException("expected universal tag " + tag + ", found " + tagClass + "/" + number);
            }
            return children();
        }

        /** The contents read as elements, whatever the constructed bit says (an IMPLICIT SET OF is read so). */
        List<Element> children() throws MalformedException {
            if (children == null) {
                children = Der.children(bytes, from, to);
            }
            return children;
        }

        /** The {@code i}th element inside. */
        Element child(int i) throws MalformedException {
            if (i >= children().size()) {
                throw new MalformedException("missing element " + i);
            }
            return children.get(i);
        }

        /** A primitive element's contents. */
        byte[] contents() {
            return Arrays.copyOfRange(bytes, from, to);
        }

        /** A string's octets: a primitive one's contents, or a constructed one's segments collected. */
        byte[] string() throws MalformedException {
            if (!constructed) {
                return contents();
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            collect(this, out, 0);
            return out.toByteArray();
        }

        /** An OCTET STRING's octets. */
        byte[] octets() throws MalformedException {
            return expect(OCTET_STRING).string();
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

        /**
         * This element and everything in it read, each universal element as a value of its type:
         * for a value whose own type (a certificate, a CRL) OpenSSL decodes and we do not model,
         * the rules any type would apply to it.
         */
        void walk() throws MalformedException {
            walk(this, 0);
        }

        private static void walk(Element e, int depth) throws MalformedException {
            if (depth > MAX_CONSTRUCTED_NEST) {
                throw new MalformedException("nested too deep");
            }
            boolean universal = e.tagClass == UNIVERSAL;
            if (universal) {
                checkValue(e);
            }
            if (e.constructed && (!universal || e.number == SEQUENCE || e.number == SET)) {
                for (Element child : e.children()) {
                    walk(child, depth + 1);
                }
            }
        }
    }

    /** The first element of {@code der}; what follows it is never read, as OpenSSL's BIO reader reads one value. */
    static Element read(byte[] der) throws MalformedException {
        return element(der, 0, der.length);
    }

    /** The elements from {@code at} to {@code to}, each header read; end-of-contents is not one of them. */
    private static List<Element> children(byte[] b, int at, int to) throws MalformedException {
        List<Element> children = new ArrayList<>();
        while (at < to) {
            if (endOfContents(b, at, to)) {
                throw new MalformedException("end-of-contents where an element belongs");
            }
            Element child = element(b, at, to);
            children.add(child);
            at = child.end();
        }
        return List.copyOf(children);
    }

    /** The element whose identifier is at {@code start}; for an indefinite length, read to its end. */
    private static Element element(byte[] b, int start, int limit) throws MalformedException {
        Header h = header(b, start, limit);
        int to = h.indefinite() ? endOfContentsOf(b, h.from(), limit) : h.from() + h.length();
        return new Element(b, h.tagClass(), h.constructed(), h.number(), start, h.from(), to,
                h.indefinite() ? to + 2 : to);
    }

    /** An identifier and length, as OpenSSL's {@code ASN1_get_object} reads them; a length of -1 is indefinite. */
    private record Header(int tagClass, boolean constructed, int number, int from, int length) {
        boolean indefinite() {
            return length < 0;
        }
    }

    private static Header header(byte[] b, int start, int limit) throws MalformedException {
        int at = start;
        int id = byteAt(b, at++, limit);
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
        boolean constructed = (id & 0x20) != 0;
        int first = byteAt(b, at++, limit);
        if (first == 0x80) {
            if (!constructed) {
                throw new MalformedException("indefinite length on a primitive element");
            }
            return new Header(id >>> 6, true, number, at, -1);
        }
        long length = first;
        if (first > 0x80) {
            int digits = first & 0x7f;
            byteAt(b, at + digits - 1, limit);  // the digits are all there
            while (digits > 0 && b[at] == 0) {  // BER allows leading zero digits
                at++;
                digits--;
            }
            if (digits > Long.BYTES) {
                throw new MalformedException("length too large");
            }
            length = 0;
            for (; digits > 0; digits--) {
                length = length << 8 | (b[at++] & 0xff);
            }
        }
        if (length < 0 || length > limit - at) {
            throw new MalformedException("length past the end of its container");
        }
        return new Header(id >>> 6, constructed, number, at, (int) length);
    }

    /**
     * Where the contents of an indefinite length starting at {@code at} end: at the
     * end-of-contents that balances it, found as OpenSSL's {@code asn1_find_end} finds it, by
     * reading the headers between and skipping definite contents unread.
     */
    private static int endOfContentsOf(byte[] b, int at, int limit) throws MalformedException {
        int open = 1;
        while (true) {
            if (endOfContents(b, at, limit)) {
                if (--open == 0) {
                    return at;
                }
                at += 2;
            } else {
                Header h = header(b, at, limit);
                open += h.indefinite() ? 1 : 0;
                at = h.from() + Math.max(h.length(), 0);
            }
        }
    }

    private static boolean endOfContents(byte[] b, int at, int limit) {
        return limit - at >= 2 && b[at] == 0 && b[at + 1] == 0;
    }

    /**
     * The octets of a constructed string's segments, end to end, as OpenSSL's
     * {@code asn1_collect} gathers them: segments of any tag and class, a constructed one's own
     * segments in turn, nested at most {@link #MAX_STRING_NEST} deep.
     */
    private static void collect(Element string, ByteArrayOutputStream out, int depth) throws MalformedException {
        for (Element segment : string.children()) {
            if (!segment.constructed()) {
                out.write(segment.bytes(), segment.from(), segment.to() - segment.from());
            } else if (depth >= MAX_STRING_NEST) {
                throw new MalformedException("constructed string nested too deep");
            } else {
                collect(segment, out, depth + 1);
            }
        }
    }

    /**
     * A universal element read as a value of its own type, as OpenSSL's
     * {@code asn1_d2i_ex_primitive} and {@code c2i} functions read it: a SEQUENCE or SET
     * constructed and left as it is; BOOLEAN, INTEGER, NULL, OBJECT IDENTIFIER and ENUMERATED
     * primitive; any other type's contents (a constructed string's collected) by its rules.
     */
    private static void checkValue(Element e) throws MalformedException {
        int n = e.number();
        if (n == SEQUENCE || n == SET) {
            if (!e.constructed()) {
                throw new MalformedException("universal tag " + n + " primitive");
            }
            return;
        }
        boolean primitiveOnly = n == BOOLEAN || n == INTEGER || n == NULL || n == OID || n == ENUMERATED;
        if (e.constructed() && primitiveOnly) {
            throw new MalformedException("universal tag " + n + " constructed");
        }
        byte[] c = e.string();
        int length = c.length;
        boolean valid = switch (n) {
            case BOOLEAN -> length == 1;
            case NULL -> length == 0;
            // two's complement in the fewest octets: no redundant leading 00 or FF
            case INTEGER, ENUMERATED -> length == 1 || length > 1 && c[0] != (byte) (c[1] >> 7);
            // base-128 arcs: none starting with a padding 0x80, the last one ended
            case OID -> length > 0 && (c[length - 1] & 0x80) == 0 && arcsUnpadded(c);
            // the unused bits of the last octet: 0 to 7, and none without a last octet
            case BIT_STRING -> length > 0 && (c[0] & 0xff) <= (length > 1 ? 7 : 0);
            case UNIVERSAL_STRING -> length % 4 == 0;  // four octets a character
            case BMP_STRING -> length % 2 == 0;  // two
            default -> true;
        };
        if (!valid) {
            throw new MalformedException("malformed contents of universal tag " + n);
        }
    }

    private static boolean arcsUnpadded(byte[] c) {
        boolean arcStart = true;
        for (byte octet : c) {
            if (arcStart && (octet & 0xff) == 0x80) {
                return false;
            }
            arcStart = (octet & 0x80) == 0;
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
