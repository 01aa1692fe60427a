package org.modstack.module;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1Set;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cms.SignedData;
import org.bouncycastle.asn1.cms.SignerInfo;

/**
 * The fields libkmod shows of a module's PKCS#7 signature, read from its first SignerInfo.
 *
 * @param signer the issuer's common name (see {@link #issuerName})
 * @param serial the serial number's magnitude, big-endian, no leading zero byte
 * @param hashAlgorithm the digest algorithm's kernel name
 * @param signature the encrypted digest
 */
record Pkcs7(String signer, byte[] serial, String hashAlgorithm, byte[] signature) {

    /** Digest OIDs the kernel names, with those names; any other digest hides the signature. */
    private static final Map<String, String> DIGESTS = Map.of(
            "1.2.840.113549.2.4", "md4",
            "1.2.840.113549.2.5", "md5",
            "1.3.14.3.2.26", "sha1",
            "1.3.36.3.2.1", "rmd160",
            "2.16.840.1.101.3.4.2.1", "sha256",
            "2.16.840.1.101.3.4.2.2", "sha384",
            "2.16.840.1.101.3.4.2.3", "sha512",
            "2.16.840.1.101.3.4.2.4", "sha224",
            "1.2.156.10197.1.401", "sm3");
    /** X.520's commonName attribute type. */
    private static final ASN1ObjectIdentifier COMMON_NAME = new ASN1ObjectIdentifier("2.5.4.3");

    static Optional<Pkcs7> parse(byte[] der) {
        try {
            ContentInfo content = ContentInfo.getInstance(ASN1Primitive.fromByteArray(der));
            SignedData signed = SignedData.getInstance(content.getContent());
            ASN1Set infos = signed.getSignerInfos();
            if (infos.size() == 0) {
                return Optional.empty();
            }
            SignerInfo info = SignerInfo.getInstance(infos.getObjectAt(0));
            if (info.getSID().isTagged()) {
                return Optional.empty();  // a subjectKeyIdentifier: no issuer and serial to show
            }
            // IssuerAndSerialNumber read as the SEQUENCE it is: BouncyCastle's X500Name would
            // initialise its name style's tables of some hundred OIDs, a tenth of a modinfo's run
            ASN1Sequence id = ASN1Sequence.getInstance(info.getSID().getId());
            ASN1Sequence issuer = ASN1Sequence.getInstance(id.getObjectAt(0));
            ASN1Integer serial = ASN1Integer.getInstance(id.getObjectAt(1));
            String digest = DIGESTS.get(info.getDigestAlgorithm().getAlgorithm().getId());
            if (digest == null) {
                return Optional.empty();
            }
            return Optional.of(new Pkcs7(issuerName(issuer), magnitude(serial.getValue()),
                    digest, info.getEncryptedDigest().getOctets()));
        } catch (IOException | IllegalArgumentException | IllegalStateException | ClassCastException
                | IndexOutOfBoundsException e) {
            // BouncyCastle reports malformed DER unchecked: IllegalArgument or IllegalState from its
            // parsers, ClassCast where a structure holds the wrong ASN.1 type, IndexOutOfBounds
            // where a SEQUENCE is short.
            return Optional.empty();
        }
    }

    /**
     * The issuer name as libkmod shows it: the first common name; when there is none, the last
     * attribute's value (libkmod keeps the entry its search stopped on); empty for an empty name.
     * The value's raw bytes up to the first NUL, as OpenSSL hands them out. Every attribute is
     * read, past the one shown: OpenSSL decodes the whole name, and a malformed one anywhere
     * hides the signature.
     */
    static String issuerName(ASN1Sequence name) throws IOException {
        ASN1Encodable shown = null;
        boolean common = false;
        for (ASN1Encodable rdn : name) {
            for (ASN1Encodable typeAndValue : ASN1Set.getInstance(rdn)) {
                ASN1Sequence atv = ASN1Sequence.getInstance(typeAndValue);
                ASN1ObjectIdentifier type = ASN1ObjectIdentifier.getInstance(atv.getObjectAt(0));
                ASN1Encodable value = atv.getObjectAt(1);
                if (!common) {
                    shown = value;
                    common = type.equals(COMMON_NAME);
                }
            }
        }
        return shown == null ? "" : rawString(shown);
    }

    private static String rawString(ASN1Encodable value) throws IOException {
        byte[] der = value.toASN1Primitive().getEncoded("DER");
        int at = 1;
        int len = der[at++] & 0xff;
        if (len >= 0x80) {
            at += len & 0x7f;
        }
        int end = at;
        while (end < der.length && der[end] != 0) {
            end++;
        }
        return new String(der, at, end - at, StandardCharsets.ISO_8859_1);
    }

    private static byte[] magnitude(BigInteger serial) {
        byte[] bytes = serial.abs().toByteArray();
        int skip = 0;
        while (skip < bytes.length && bytes[skip] == 0) {
            skip++;
        }
        return Arrays.copyOfRange(bytes, skip, bytes.length);
    }
}
