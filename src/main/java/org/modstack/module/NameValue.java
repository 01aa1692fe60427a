package org.modstack.module;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The value of an attribute in an X.509 name (the signer's issuer), as OpenSSL decodes it for
 * libkmod: one of the types its {@code ASN1_PRINTABLE} admits, and, for the string types it
 * puts in canonical form while decoding, text it can convert to UTF-8. A value that breaks
 * either rule fails the whole name, and with it the signature.
 */
final class NameValue {
    /**
     * The universal tags {@code ASN1_PRINTABLE} admits: BIT STRING, UTF8String, SEQUENCE,
     * NumericString, PrintableString, T61String, IA5String, UniversalString, BMPString, and the
     * tags OpenSSL has no type of its own for (7 to 9, 11, 13 to 15, 29).
     */
    private static final int PRINTABLE = bits(3, 7, 8, 9, 11, 12, 13, 14, 15, 16, 18, 19, 20, 22, 28, 29, 30);
    private static final int UTF8_STRING = 12;

    private NameValue() {
    }

    static void check(Der.Element value) throws Der.MalformedException {
        if (value.tagClass() != Der.UNIVERSAL || value.number() > 30 || (PRINTABLE & 1 << value.number()) == 0) {
            throw new Der.MalformedException("a name's value of tag " + value.tagClass() + "/" + value.number());
        }
        value.any();
        boolean text = switch (value.number()) {
            case UTF8_STRING -> utf8(value.string());
            case Der.BMP_STRING -> units(value.string(), 2);
            case Der.UNIVERSAL_STRING -> units(value.string(), 4);
            default -> true;
        };
        if (!text) {
            throw new Der.MalformedException("a name's value OpenSSL cannot make UTF-8 of");
        }
    }

    /**
     * The bytes libkmod prints as the signer, up to the first NUL: for a SEQUENCE, whose whole
     * encoding OpenSSL keeps, from its identifier on; for a BIT STRING, the bits after the
     * unused-bits octet, the unused ones cleared; for a string, its octets (a constructed one's
     * collected).
     */
    static String shown(Der.Element value) throws Der.MalformedException {
        byte[] b;
        if (value.is(Der.UNIVERSAL, Der.SEQUENCE)) {
            b = Arrays.copyOfRange(value.bytes(), value.start(), value.to());
        } else if (value.is(Der.UNIVERSAL, Der.BIT_STRING)) {
            byte[] bits = value.string();
            b = Arrays.copyOfRange(bits, 1, bits.length);
            if (b.length > 0) {
                b[b.length - 1] &= (byte) (0xff << bits[0]);
            }
        } else {
            b = value.string();
        }
        int end = 0;
        while (end < b.length && b[end] != 0) {
            end++;
        }
        return new String(b, 0, end, StandardCharsets.ISO_8859_1);
    }

    /** UTF-8 as OpenSSL's UTF8_getc reads it: one to four bytes, none overlong, a valid code point each. */
    private static boolean utf8(byte[] b) {
        int at = 0;
        int to = b.length;
        while (at < to) {
            int lead = b[at] & 0xff;
            int length = lead < 0x80 ? 1 : (lead & 0xe0) == 0xc0 ? 2 : (lead & 0xf0) == 0xe0 ? 3
                    : (lead & 0xf8) == 0xf0 ? 4 : 0;
            if (length == 0 || to - at < length) {
                return false;
            }
            int value = length == 1 ? lead : lead & (0x7f >> length);
            for (int i = 1; i < length; i++) {
                if ((b[at + i] & 0xc0) != 0x80) {
                    return false;
                }
                value = value << 6 | (b[at + i] & 0x3f);
            }
            int least = length == 1 ? 0 : length == 2 ? 0x80 : length == 3 ? 0x800 : 0x10000;
            if (value < least || !codePoint(value)) {
                return false;
            }
            at += length;
        }
        return true;
    }

    /** BMPString (2 bytes a character) or UniversalString (4, whole characters as Der checked): valid code points. */
    private static boolean units(byte[] b, int size) {
        for (int at = 0; at < b.length; at += size) {
            long unit = 0;
            for (int i = 0; i < size; i++) {
                unit = unit << 8 | (b[at + i] & 0xff);
            }
            if (unit > Integer.MAX_VALUE || !codePoint((int) unit)) {
                return false;
            }
        }
        return true;
    }

    private static boolean codePoint(int value) {
        return value >= 0 && value <= 0x10ffff && (value < 0xd800 || value > 0xdfff);
    }

    private static int bits(int... tags) {
        int mask = 0;
        for (int t : tags) {
            mask |= 1 << t;
        }
        return mask;
    }
}
