package org.modstack.conformance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * PKCS#7 signatures written byte by byte in the forms no signing tool writes but OpenSSL reads
 * or refuses for a reason of its own (constructed strings of mixed segments, opaque parameters,
 * long-form lengths with leading zeros, content of other types, nesting at OpenSSL's limits),
 * each appended to a copy of a module: the cases random damage never reaches, because each
 * needs several bytes changed together.
 */
final class CraftedSignatures {
    private static final String SIGNED_DATA = "06092a864886f70d010702";
    private static final String DATA = "06092a864886f70d010701";
    private static final String SHA256 = "0609608648016503040201";
    private static final String RSA = "06092a864886f70d010101";
    private static final String COMMON_NAME = "0603550403";
    private static final String SIGNATURE = "5369676e6564206279206869732068616e64";  // "Signed by his hand"

    private CraftedSignatures() {
    }

    /** The parts of a signature a case may replace. */
    private enum Part { COMMON_NAME, SIGNATURE, DIGEST_PARAMETERS, ENCAPSULATED, SECOND_SIGNER_ID, VERSION, AFTER }

    /** One signature's parts (hex), DER as sign-file writes them unless a case says otherwise. */
    private record Parts(Map<Part, String> parts) {
        static Parts der() {
            Map<Part, String> der = new EnumMap<>(Part.class);
            der.put(Part.COMMON_NAME, tlv(0x0c, hex("Crafted CA")));
            der.put(Part.SIGNATURE, tlv(0x04, SIGNATURE));
            der.put(Part.DIGEST_PARAMETERS, "0500");
            der.put(Part.ENCAPSULATED, tlv(0x30, DATA));
            der.put(Part.SECOND_SIGNER_ID, "");  // none: one SignerInfo
            der.put(Part.VERSION, "020101");
            der.put(Part.AFTER, "");
            return new Parts(der);
        }

        Parts with(Part part, String value) {
            Map<Part, String> changed = new EnumMap<>(parts);
            changed.put(part, value);
            return new Parts(changed);
        }

        byte[] encoded() {
            String digest = tlv(0x30, SHA256 + parts.get(Part.DIGEST_PARAMETERS));
            String name = tlv(0x30, tlv(0x31, tlv(0x30, COMMON_NAME + parts.get(Part.COMMON_NAME))));
            String second = parts.get(Part.SECOND_SIGNER_ID);
            String signerInfos = signerInfo(tlv(0x30, name + "020500fedcba98"), digest)
                    + (second.isEmpty() ? "" : signerInfo(second, digest));
            String signedData = tlv(0x30, parts.get(Part.VERSION) + tlv(0x31, digest) + parts.get(Part.ENCAPSULATED)
                    + tlv(0x31, signerInfos));
            return HexFormat.of().parseHex(tlv(0x30, SIGNED_DATA + tlv(0xa0, signedData)) + parts.get(Part.AFTER));
        }

        private String signerInfo(String sid, String digest) {
            return tlv(0x30, parts.get(Part.VERSION) + sid + digest + tlv(0x30, RSA + "0500") + parts.get(Part.SIGNATURE));
        }
    }

    /** Writes each case as a copy of {@code signed} carrying that signature instead of its own; name to path. */
    static Map<String, Path> write(Path dir, Path signed) throws IOException {
        Map<String, Path> out = new LinkedHashMap<>();
        for (Map.Entry<String, Parts> c : cases().entrySet()) {
            Path file = dir.resolve("crafted-" + c.getKey() + ".ko");
            Files.write(file, BadModuleFiles.withSignature(Files.readAllBytes(signed), c.getValue().encoded()));
            out.put(c.getKey(), file);
        }
        return out;
    }

    private static Map<String, Parts> cases() {
        Parts der = Parts.der();
        String sig = tlv(0x04, SIGNATURE.substring(0, 10)) + tlv(0x04, SIGNATURE.substring(10));
        Map<String, Parts> c = new LinkedHashMap<>();
        c.put("der", der);
        c.put("signature-in-segments", der.with(Part.SIGNATURE, tlv(0x24, sig)));
        c.put("signature-indefinite-segments-of-any-tag", der.with(Part.SIGNATURE, indefinite(0x24,
                tlv(0x0c, "5369") + tlv(0x81, "676e") + tlv(0x10, "6564") + tlv(0x24, tlv(0x04, "20")) + "0000")));
        c.put("signature-nested-five", der.with(Part.SIGNATURE, nested(5, tlv(0x04, SIGNATURE))));
        c.put("signature-nested-six", der.with(Part.SIGNATURE, nested(6, tlv(0x04, SIGNATURE))));
        c.put("signature-end-of-contents-in-definite", der.with(Part.SIGNATURE, tlv(0x24, "0000" + tlv(0x04, SIGNATURE))));
        c.put("signature-long-length-leading-zeros", der.with(Part.SIGNATURE, "0486000000000012" + SIGNATURE));
        c.put("name-utf8-split-in-a-character", der.with(Part.COMMON_NAME, tlv(0x2c, tlv(0x0c, "41c3") + tlv(0x0c, "a942"))));
        c.put("name-utf8-invalid-once-collected", der.with(Part.COMMON_NAME, tlv(0x2c, tlv(0x0c, "41c3") + tlv(0x0c, "4142"))));
        c.put("name-bmp-odd-segments", der.with(Part.COMMON_NAME, tlv(0x3e, tlv(0x1e, "41") + tlv(0x1e, "414142"))));
        c.put("name-bmp-odd-in-all", der.with(Part.COMMON_NAME, tlv(0x3e, tlv(0x1e, "41") + tlv(0x1e, "4141"))));
        c.put("name-printable-indefinite", der.with(Part.COMMON_NAME, indefinite(0x33, tlv(0x13, "4142") + tlv(0x04, "43") + "0000")));
        c.put("name-bit-string-with-nul", der.with(Part.COMMON_NAME, tlv(0x03, "00414200" + "43")));
        c.put("name-bit-string-masked-to-nul", der.with(Part.COMMON_NAME, tlv(0x03, "07" + "4101")));
        c.put("name-bit-string-constructed", der.with(Part.COMMON_NAME, tlv(0x23, tlv(0x03, "0041") + tlv(0x04, "4200"))));
        c.put("parameters-context-opaque", der.with(Part.DIGEST_PARAMETERS, tlv(0xa1, "ffffff")));
        c.put("parameters-sequence-opaque", der.with(Part.DIGEST_PARAMETERS, tlv(0x30, "02020001")));
        c.put("parameters-universal-tag-zero", der.with(Part.DIGEST_PARAMETERS, "000100"));
        c.put("parameters-octets-in-segments", der.with(Part.DIGEST_PARAMETERS, tlv(0x24, tlv(0x04, "01") + tlv(0x0c, "02"))));
        c.put("parameters-bit-string-bad-once-collected", der.with(Part.DIGEST_PARAMETERS, tlv(0x23, tlv(0x03, "08") + tlv(0x04, "00"))));
        c.put("content-in-segments", der.with(Part.ENCAPSULATED, tlv(0x30, DATA + tlv(0xa0, tlv(0x24, sig)))));
        c.put("content-nested-six", der.with(Part.ENCAPSULATED, tlv(0x30, DATA + tlv(0xa0, nested(6, tlv(0x04, "00"))))));
        c.put("second-signer-key-id-in-segments", der.with(Part.SECOND_SIGNER_ID, tlv(0xa0, sig)));
        c.put("second-signer-key-id-nested-six", der.with(Part.SECOND_SIGNER_ID, nested(6, tlv(0x04, "00")).replaceFirst("^24", "a0")));
        c.put("content-of-an-unknown-type", der.with(Part.ENCAPSULATED, tlv(0x30, "06032a0304" + tlv(0xa0, "3003020105"))));
        c.put("content-of-an-unknown-type-primitive-sequence",
                der.with(Part.ENCAPSULATED, tlv(0x30, "06032a0304" + tlv(0xa0, "1003020105"))));
        c.put("content-data-as-a-sequence", der.with(Part.ENCAPSULATED, tlv(0x30, DATA + tlv(0xa0, "3003020105"))));
        c.put("content-signed-data-inside", der.with(Part.ENCAPSULATED, tlv(0x30, SIGNED_DATA + tlv(0xa0, tlv(0x30,
                "020101" + tlv(0x31, "") + tlv(0x30, DATA) + tlv(0x31, ""))))));
        c.put("content-signed-data-inside-malformed", der.with(Part.ENCAPSULATED, tlv(0x30, SIGNED_DATA + tlv(0xa0,
                tlv(0x30, "020101")))));
        c.put("content-signed-data-fourteen-deep", der.with(Part.ENCAPSULATED, nestedSignedData(13)));
        c.put("content-signed-data-fifteen-deep", der.with(Part.ENCAPSULATED, nestedSignedData(14)));
        c.put("versions-forty-bits", der.with(Part.VERSION, "02050100000000"));
        c.put("bytes-after-the-value", der.with(Part.AFTER, "0500"));
        return c;
    }

    /** A ContentInfo of {@code depth} SignedData, each the content of the one outside it, none signed. */
    private static String nestedSignedData(int depth) {
        String s = tlv(0x30, DATA);
        for (int i = 0; i < depth; i++) {
            s = tlv(0x30, SIGNED_DATA + tlv(0xa0, tlv(0x30, "020101" + tlv(0x31, "") + s + tlv(0x31, ""))));
        }
        return s;
    }

    /** {@code depth} constructed OCTET STRINGs, each the only segment of the one outside it, around {@code inner}. */
    private static String nested(int depth, String inner) {
        String s = inner;
        for (int i = 0; i <= depth; i++) {
            s = tlv(0x24, s);
        }
        return s;
    }

    /** An element of identifier {@code id} holding {@code contents} (hex), its length in the fewest octets. */
    private static String tlv(int id, String contents) {
        int length = contents.length() / 2;
        String len = length < 0x80 ? String.format("%02x", length)
                : length < 0x100 ? String.format("81%02x", length) : String.format("82%04x", length);
        return String.format("%02x", id) + len + contents;
    }

    /** An element of indefinite length; {@code contents} ends with its own end-of-contents. */
    private static String indefinite(int id, String contents) {
        return String.format("%02x80", id) + contents;
    }

    private static String hex(String text) {
        return HexFormat.of().formatHex(text.getBytes(StandardCharsets.ISO_8859_1));
    }
}
