package org.modstack.module;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The signature appended to a module by the kernel's {@code sign-file}.
 *
 * <pre>
 * [ module ELF image        ]
 * [ signer's name           ]  signer_len bytes   (empty for PKCS#7)
 * [ key identifier          ]  key_id_len bytes   (empty for PKCS#7)
 * [ signature data          ]  sig_len bytes      (a DER PKCS#7 SignedData for id_type 2)
 * [ struct module_signature ]  u8 algo, hash, id_type, signer_len, key_id_len; u8 pad[3];
 *                              be32 sig_len
 * [ "~Module signature appended~\n" ]
 * </pre>
 *
 * <p>For PKCS#7 the signer, key id, digest and signature come from the first SignerInfo, as
 * libkmod shows them: the issuer's common name, the certificate serial number, the digest
 * algorithm and the encrypted digest.
 *
 * @param idType how the signer is identified
 * @param algorithm the public-key algorithm of the trailer ({@code RSA}, {@code DSA})
 * @param signer the signer's name
 * @param keyId the key identifier (for PKCS#7: the serial number's bytes, big-endian)
 * @param hashAlgorithm the digest's name as the kernel spells it, e.g. {@code sha256}
 * @param signature the signature bytes
 */
public record ModuleSignature(IdType idType, String algorithm, String signer, byte[] keyId,
                              String hashAlgorithm, byte[] signature) {

    /** The 28-byte marker that ends a signed module. */
    public static final byte[] MAGIC = "~Module signature appended~\n".getBytes(StandardCharsets.US_ASCII);
    /** The size of {@code struct module_signature}. */
    public static final int TRAILER_SIZE = 12;

    /** The kernel's {@code enum pkey_id_type}. */
    public enum IdType {
        PGP("PGP"), X509("X509"), PKCS7("PKCS#7");

        private final String label;

        IdType(String label) {
            this.label = label;
        }

        /** The name libkmod prints as {@code sig_id}. */
        public String label() {
            return label;
        }
    }

    /** The kernel's {@code enum pkey_algo}, by value. */
    static final List<String> ALGORITHMS = List.of("DSA", "RSA");
    /** The kernel's {@code enum pkey_hash_algo}, by value. */
    static final List<String> HASHES =
            List.of("md4", "md5", "sha1", "rmd160", "sha256", "sha384", "sha512", "sha224", "sm3");

    /**
     * The signature appended to {@code image}, if it has one libkmod can show.
     *
     * <p>Like libkmod, a trailer with out-of-range fields or impossible lengths, or a PKCS#7
     * blob that does not parse, counts as no signature: {@code modinfo} then prints none.
     */
    public static Optional<ModuleSignature> find(ByteBuffer image) {
        long size = image.capacity();
        if (size < MAGIC.length || !endsWithMagic(image)) {
            return Optional.empty();
        }
        size -= MAGIC.length;
        if (size < TRAILER_SIZE) {
            return Optional.empty();
        }
        size -= TRAILER_SIZE;
        int at = (int) size;
        int algo = Byte.toUnsignedInt(image.get(at));
        int hash = Byte.toUnsignedInt(image.get(at + 1));
        int idType = Byte.toUnsignedInt(image.get(at + 2));
        int signerLen = Byte.toUnsignedInt(image.get(at + 3));
        int keyIdLen = Byte.toUnsignedInt(image.get(at + 4));
        long sigLen = Integer.toUnsignedLong(image.duplicate().order(ByteOrder.BIG_ENDIAN).getInt(at + 8));
        if (algo >= ALGORITHMS.size() || hash >= HASHES.size() || idType >= IdType.values().length) {
            return Optional.empty();
        }
        if (sigLen == 0 || size < signerLen + keyIdLen + sigLen) {
            return Optional.empty();
        }
        int sigStart = (int) (size - sigLen);
        byte[] sig = bytes(image, sigStart, (int) sigLen);
        IdType type = IdType.values()[idType];
        if (type == IdType.PKCS7) {
            Optional<Pkcs7> p = Pkcs7.parse(sig);
            return p.isEmpty() ? Optional.empty() : Optional.of(new ModuleSignature(type, ALGORITHMS.get(algo),
                    p.get().signer(), p.get().serial(), p.get().hashAlgorithm(), p.get().signature()));
        }
        int keyStart = sigStart - keyIdLen;
        int signerStart = keyStart - signerLen;
        String signer = new String(bytes(image, signerStart, signerLen), StandardCharsets.ISO_8859_1);
        return Optional.of(new ModuleSignature(type, ALGORITHMS.get(algo), signer,
                bytes(image, keyStart, keyIdLen), HASHES.get(hash), sig));
    }

    private static boolean endsWithMagic(ByteBuffer image) {
        int start = image.capacity() - MAGIC.length;
        return Arrays.equals(bytes(image, start, MAGIC.length), MAGIC);
    }

    private static byte[] bytes(ByteBuffer image, int from, int length) {
        byte[] out = new byte[length];
        image.get(from, out);
        return out;
    }

    /**
     * The fields modinfo shows for the signature, as libkmod's {@code kmod_module_get_info} adds
     * them after the module's own: {@code sig_id}, {@code signer}, {@code sig_key},
     * {@code sig_hashalgo}, {@code signature}.
     */
    public List<ModinfoEntry> modinfoEntries() {
        return entries(true);
    }

    /** The same fields with each hex string on one line, for a reader that is not a terminal (JSON). */
    public List<ModinfoEntry> modinfoEntriesUnwrapped() {
        return entries(false);
    }

    private List<ModinfoEntry> entries(boolean wrap) {
        return List.of(
                new ModinfoEntry("sig_id", idType().label()),
                new ModinfoEntry("signer", signer()),
                new ModinfoEntry("sig_key", hex(keyId(), wrap)),
                new ModinfoEntry("sig_hashalgo", hashAlgorithm()),
                new ModinfoEntry("signature", hex(signature(), wrap)));
    }

    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

    /** {@code 01:AB:...}, upper case; {@code wrap}: a line break and two tabs after every 20 bytes, as modinfo. */
    private static String hex(byte[] bytes, boolean wrap) {
        if (bytes.length == 0) {
            return "";
        }
        int breaks = wrap ? (bytes.length - 1) / 20 : 0;
        byte[] out = new byte[bytes.length * 3 - 1 + breaks * 3];
        int j = 0;
        for (int i = 0; i < bytes.length; i++) {
            out[j++] = HEX[(bytes[i] >> 4) & 0xf];
            out[j++] = HEX[bytes[i] & 0xf];
            if (i < bytes.length - 1) {
                out[j++] = ':';
                if (wrap && (i + 1) % 20 == 0) {
                    out[j++] = '\n';
                    out[j++] = '\t';
                    out[j++] = '\t';
                }
            }
        }
        return new String(out, StandardCharsets.ISO_8859_1);
    }
}
