package org.modstack.module;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The fields libkmod shows of a module's PKCS#7 signature, read from its first SignerInfo.
 * libkmod decodes the blob with OpenSSL's {@code d2i_PKCS7_bio}, by RFC 2315's types (sign-file
 * writes RFC 5652's CMS, their common subset):
 *
 * <pre>
 * ContentInfo   SEQUENCE { contentType OID, content [0] EXPLICIT ANY DEFINED BY contentType OPTIONAL }
 * SignedData    SEQUENCE { version INTEGER, digestAlgorithms SET, contentInfo ContentInfo,
 *                          [0] certificates OPTIONAL, [1] crls OPTIONAL, signerInfos SET }
 * SignerInfo    SEQUENCE { version INTEGER, issuerAndSerialNumber SEQUENCE { Name, INTEGER },
 *                          digestAlgorithm AlgorithmIdentifier, [0] authenticatedAttributes OPTIONAL,
 *                          digestEncryptionAlgorithm AlgorithmIdentifier, encryptedDigest OCTET STRING,
 *                          [1] unauthenticatedAttributes OPTIONAL }
 * </pre>
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
    /** PKCS#7's content types: data, signedData, and the four whose insides we do not model. */
    private static final String DATA = "1.2.840.113549.1.7.1";
    private static final String SIGNED_DATA = "1.2.840.113549.1.7.2";
    private static final List<String> OTHER_PKCS7_TYPES = List.of(
            "1.2.840.113549.1.7.3", "1.2.840.113549.1.7.4", "1.2.840.113549.1.7.5", "1.2.840.113549.1.7.6");
    /** X.520's commonName attribute type. */
    private static final String COMMON_NAME = "2.5.4.3";

    /**
     * The first SignerInfo's fields, when the blob's first value decodes as OpenSSL's PKCS#7
     * templates decode it (every SignerInfo, every AlgorithmIdentifier, the content inside; what
     * follows the value is never read) and the digest is one the kernel names.
     */
    static Optional<Pkcs7> parse(byte[] der) {
        try {
            Der.Element content = Der.read(der).expect(Der.SEQUENCE);
            if (!content.child(0).oid().equals(SIGNED_DATA) || content.children().size() != 2) {
                return Optional.empty();
            }
            List<Der.Element> signerInfos = signerInfos(explicit(content.child(1), 0), 1);
            Optional<Pkcs7> first = Optional.empty();
            for (Der.Element info : signerInfos) {
                Optional<Pkcs7> read = signerInfo(info, 1);  // each must decode
                if (info == signerInfos.get(0)) {
                    first = read;
                }
            }
            return first;
        } catch (Der.MalformedException e) {
            return Optional.empty();
        }
    }

    /**
     * The signerInfos of a SignedData {@code level} deep, the rest of it checked on the way. A
     * SignedData in the content of a SignedData in ... is, n levels down, OpenSSL's type 2n,
     * its ContentInfo's type OID 2n + 2, its SignerInfos' names and serials 2n + 3: none may be
     * deeper than {@link Der#MAX_CONSTRUCTED_NEST}.
     */
    private static List<Der.Element> signerInfos(Der.Element signedData, int level) throws Der.MalformedException {
        if (2 * level + 2 > Der.MAX_CONSTRUCTED_NEST) {
            throw new Der.MalformedException("SignedData nested too deep");
        }
        signedData.expect(Der.SEQUENCE).child(0).expect(Der.INTEGER);  // version
        for (Der.Element digest : signedData.child(1).elementsOf(Der.SET)) {
            algorithm(digest);
        }
        contentInfo(signedData.child(2), level);
        int at = 3;
        for (int tag = 0; tag <= 1; tag++) {
            if (signedData.child(at).is(Der.CONTEXT, tag)) {
                for (Der.Element choice : signedData.child(at++).children()) {  // certificates, CRLs
                    choice.walk();
                }
            }
        }
        if (signedData.children().size() != at + 1) {
            throw new Der.MalformedException("SignedData has " + signedData.children().size() + " elements");
        }
        return signedData.child(at).elementsOf(Der.SET);
    }

    /**
     * The content signed: for a module none, its type data. Read by its type: data an OCTET
     * STRING, signed data another SignedData; the other four PKCS#7 types only as well-formed
     * values (their own structures are not modelled); any other type's an ANY.
     */
    private static void contentInfo(Der.Element info, int level) throws Der.MalformedException {
        String type = info.expect(Der.SEQUENCE).child(0).oid();
        int size = info.children().size();
        if (size > 2) {
            throw new Der.MalformedException("ContentInfo has " + size + " elements");
        }
        if (size == 2) {
            Der.Element content = explicit(info.child(1), 0);
            if (type.equals(DATA)) {
                content.octets();
            } else if (type.equals(SIGNED_DATA)) {
                for (Der.Element inner : signerInfos(content, level + 1)) {
                    signerInfo(inner, level + 1);
                }
            } else if (OTHER_PKCS7_TYPES.contains(type)) {
                content.expect(Der.SEQUENCE).walk();
            } else {
                content.any();
            }
        }
    }

    /** A SignerInfo of the SignedData {@code level} deep. */
    private static Optional<Pkcs7> signerInfo(Der.Element info, int level) throws Der.MalformedException {
        if (2 * level + 3 > Der.MAX_CONSTRUCTED_NEST) {
            throw new Der.MalformedException("SignerInfo nested too deep");
        }
        info.expect(Der.SEQUENCE).child(0).expect(Der.INTEGER);  // version
        Der.Element issuerAndSerial = info.child(1).expect(Der.SEQUENCE);
        String digest = DIGESTS.get(algorithm(info.child(2)));
        int at = 3;
        if (info.child(at).is(Der.CONTEXT, 0)) {
            attributes(info.child(at++));  // authenticated
        }
        algorithm(info.child(at++));
        byte[] signature = info.child(at++).octets();
        if (at < info.children().size() && info.child(at).is(Der.CONTEXT, 1)) {
            attributes(info.child(at++));  // unauthenticated
        }
        if (at != info.children().size()) {
            throw new Der.MalformedException("SignerInfo has " + info.children().size() + " elements");
        }
        if (issuerAndSerial.children().size() != 2) {
            throw new Der.MalformedException("IssuerAndSerialNumber has " + issuerAndSerial.children().size());
        }
        String signer = issuerName(issuerAndSerial.child(0));
        byte[] serial = magnitude(issuerAndSerial.child(1).expect(Der.INTEGER).contents());
        return digest == null ? Optional.empty() : Optional.of(new Pkcs7(signer, serial, digest, signature));
    }

    /** An AlgorithmIdentifier's OID: SEQUENCE { algorithm OID, parameters ANY OPTIONAL }. */
    private static String algorithm(Der.Element id) throws Der.MalformedException {
        id.expect(Der.SEQUENCE);
        if (id.children().size() > 2) {
            throw new Der.MalformedException("AlgorithmIdentifier has " + id.children().size() + " elements");
        }
        if (id.children().size() == 2) {
            id.child(1).any();  // parameters
        }
        return id.child(0).oid();
    }

    /** {@code [n] IMPLICIT SET OF Attribute}: each SEQUENCE { type OID, values SET }. */
    private static void attributes(Der.Element tagged) throws Der.MalformedException {
        for (Der.Element attribute : tagged.children()) {
            if (attribute.expect(Der.SEQUENCE).children().size() != 2) {
                throw new Der.MalformedException("Attribute has " + attribute.children().size() + " elements");
            }
            attribute.child(0).oid();
            for (Der.Element value : attribute.child(1).elementsOf(Der.SET)) {
                value.any();
            }
        }
    }

    /** The one element inside a context-specific constructed {@code [tag]}. */
    private static Der.Element explicit(Der.Element tagged, int tag) throws Der.MalformedException {
        if (!tagged.is(Der.CONTEXT, tag) || !tagged.constructed() || tagged.children().size() != 1) {
            throw new Der.MalformedException("expected [" + tag + "] EXPLICIT");
        }
        return tagged.child(0);
    }

    /**
     * The issuer name as libkmod shows it: the first common name; when there is none, the last
     * attribute's value (libkmod keeps the entry its search stopped on); empty for an empty name.
     * The value's contents up to the first NUL, as OpenSSL hands them out. Every attribute is
     * read, past the one shown: OpenSSL decodes the whole name, and a malformed one anywhere
     * hides the signature.
     */
    static String issuerName(Der.Element name) throws Der.MalformedException {
        Der.Element shown = null;
        boolean common = false;
        for (Der.Element rdn : name.elementsOf(Der.SEQUENCE)) {
            for (Der.Element typeAndValue : rdn.elementsOf(Der.SET)) {
                typeAndValue.expect(Der.SEQUENCE);
                String type = typeAndValue.child(0).oid();
                Der.Element value = typeAndValue.child(1);
                if (typeAndValue.children().size() != 2) {
                    throw new Der.MalformedException("AttributeTypeAndValue has " + typeAndValue.children().size());
                }
                NameValue.check(value);
                if (!common) {
                    shown = value;
                    common = type.equals(COMMON_NAME);
                }
            }
        }
        return shown == null ? "" : NameValue.shown(shown);
    }

    /** A two's-complement INTEGER's magnitude, big-endian, without leading zero bytes. */
    private static byte[] magnitude(byte[] twosComplement) {
        byte[] bytes = new BigInteger(twosComplement).abs().toByteArray();
        int skip = 0;
        while (skip < bytes.length && bytes[skip] == 0) {
            skip++;
        }
        return Arrays.copyOfRange(bytes, skip, bytes.length);
    }
}
