package org.modstack.module;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The fields libkmod shows of a module's PKCS#7 signature, read from its first SignerInfo
 * (RFC 5652's CMS, which sign-file writes):
 *
 * <pre>
 * ContentInfo   SEQUENCE { contentType OID signedData, [0] EXPLICIT SignedData }
 * SignedData    SEQUENCE { version INTEGER, digestAlgorithms SET, encapContentInfo SEQUENCE,
 *                          [0] certificates OPTIONAL, [1] crls OPTIONAL, signerInfos SET }
 * SignerInfo    SEQUENCE { version INTEGER, sid IssuerAndSerialNumber | [0] SubjectKeyIdentifier,
 *                          digestAlgorithm AlgorithmIdentifier, [0] signedAttrs OPTIONAL,
 *                          signatureAlgorithm AlgorithmIdentifier, signature OCTET STRING,
 *                          [1] unsignedAttrs OPTIONAL }
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
    /** PKCS#7's signedData content type. */
    private static final String SIGNED_DATA = "1.2.840.113549.1.7.2";
    /** X.520's commonName attribute type. */
    private static final String COMMON_NAME = "2.5.4.3";

    /**
     * The first SignerInfo's fields, when the whole blob decodes as OpenSSL's CMS templates
     * decode it (every SignerInfo, every AlgorithmIdentifier, the encapsulated content's type)
     * and the digest is one the kernel names.
     */
    static Optional<Pkcs7> parse(byte[] der) {
        try {
            Der.Element content = Der.read(der).expect(Der.SEQUENCE);
            if (!content.child(0).oid().equals(SIGNED_DATA) || content.children().size() != 2) {
                return Optional.empty();
            }
            List<Der.Element> signerInfos = signerInfos(explicit(content.child(1), 0).expect(Der.SEQUENCE))
                    .elementsOf(Der.SET);
            Optional<Pkcs7> first = Optional.empty();
            for (Der.Element info : signerInfos) {
                Optional<Pkcs7> read = signerInfo(info.expect(Der.SEQUENCE));  // each must decode
                if (info == signerInfos.get(0)) {
                    first = read;
                }
            }
            return first;
        } catch (Der.MalformedException e) {
            return Optional.empty();
        }
    }

    /** SignedData's signerInfos, the rest of it checked on the way. */
    private static Der.Element signerInfos(Der.Element signedData) throws Der.MalformedException {
        version(signedData.child(0));
        for (Der.Element digest : signedData.child(1).elementsOf(Der.SET)) {
            algorithm(digest);
        }
        encapsulatedContent(signedData.child(2));
        int at = 3;
        for (int tag = 0; tag <= 1; tag++) {
            if (signedData.child(at).is(Der.CONTEXT, tag)) {
                Der.within(signedData.child(at++));  // certificates, CRLs
            }
        }
        if (signedData.children().size() != at + 1) {
            throw new Der.MalformedException("SignedData has " + signedData.children().size() + " elements");
        }
        return signedData.child(at);
    }

    /** SEQUENCE { eContentType OID, eContent [0] EXPLICIT OCTET STRING OPTIONAL }: absent for a module. */
    private static void encapsulatedContent(Der.Element info) throws Der.MalformedException {
        info.expect(Der.SEQUENCE).child(0).oid();
        int size = info.children().size();
        if (size > 2 || size == 2 && !explicit(info.child(1), 0).is(Der.UNIVERSAL, Der.OCTET_STRING)) {
            throw new Der.MalformedException("EncapsulatedContentInfo");
        }
    }

    private static Optional<Pkcs7> signerInfo(Der.Element info) throws Der.MalformedException {
        version(info.child(0));
        Der.Element sid = info.child(1);
        String digest = DIGESTS.get(algorithm(info.child(2)));
        int at = 3;
        if (info.child(at).is(Der.CONTEXT, 0)) {
            attributes(info.child(at++));  // signed
        }
        algorithm(info.child(at++));
        byte[] signature = info.child(at++).octets();
        if (at < info.children().size() && info.child(at).is(Der.CONTEXT, 1)) {
            attributes(info.child(at++));  // unsigned
        }
        if (at != info.children().size()) {
            throw new Der.MalformedException("SignerInfo has " + info.children().size() + " elements");
        }
        if (sid.is(Der.CONTEXT, 0)) {
            return Optional.empty();  // a subjectKeyIdentifier: no issuer and serial to show
        }
        if (sid.expect(Der.SEQUENCE).children().size() != 2) {
            throw new Der.MalformedException("IssuerAndSerialNumber has " + sid.children().size() + " elements");
        }
        String signer = issuerName(sid.child(0));
        byte[] serial = magnitude(sid.child(1).expect(Der.INTEGER).contents());
        return digest == null ? Optional.empty() : Optional.of(new Pkcs7(signer, serial, digest, signature));
    }

    /** A version: an INTEGER OpenSSL reads into 32 bits. */
    private static void version(Der.Element version) throws Der.MalformedException {
        if (new BigInteger(version.expect(Der.INTEGER).contents()).bitLength() > 31) {
            throw new Der.MalformedException("version out of range");
        }
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
        for (Der.Element attribute : Der.within(tagged)) {
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
