package org.modstack.module;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Set;
import org.bouncycastle.asn1.DERIA5String;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cms.IssuerAndSerialNumber;
import org.bouncycastle.asn1.cms.SignedData;
import org.bouncycastle.asn1.cms.SignerIdentifier;
import org.bouncycastle.asn1.cms.SignerInfo;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;

/**
 * Pkcs7 reads what BouncyCastle writes: CMS SignedData of every shape sign-file and other
 * signers make (DER or BER with indefinite lengths, signed attributes, certificates), each field
 * as libkmod shows it; a key identifier instead of issuer and serial, which PKCS#7 has no
 * place for, and a blob cut short are no signature.
 */
class Pkcs7Test {
    private static final List<String> ATTRIBUTE_TYPES =
            List.of("2.5.4.3", "2.5.4.10", "2.5.4.11", "2.5.4.6", "1.2.840.113549.1.9.1");
    private static final List<String> DIGESTS = List.of("1.2.840.113549.2.5", "1.3.14.3.2.26",
            "2.16.840.1.101.3.4.2.1", "2.16.840.1.101.3.4.2.3", "1.2.156.10197.1.401", "1.2.3.4");
    private static final List<String> DIGEST_NAMES = List.of("md5", "sha1", "sha256", "sha512", "sm3", "");

    /** One attribute of the issuer's name: its type's OID, its value, and whether a UTF8String. */
    record Attr(String type, String value, boolean utf8) {
        ASN1Encodable encoded() {
            ASN1Encodable v = utf8 ? new DERUTF8String(value) : new DERIA5String(value);
            return new DERSequence(new ASN1Encodable[] {new ASN1ObjectIdentifier(type), v});
        }

        /** What OpenSSL hands libkmod: the value's bytes up to a NUL. */
        String shown() {
            byte[] b = value.getBytes(utf8 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            int nul = 0;
            while (nul < b.length && b[nul] != 0) {
                nul++;
            }
            return new String(b, 0, nul, StandardCharsets.ISO_8859_1);
        }
    }

    /** A signature's shape: the issuer's name (RDNs of attributes), its serial, digest and extras. */
    record Shape(List<List<Attr>> issuer, BigInteger serial, int digest, byte[] signature, boolean keyIdentifier,
                 boolean signedAttributes, boolean certificates, boolean ber) {

        byte[] encoded() throws IOException {
            ASN1EncodableVector rdns = new ASN1EncodableVector();
            for (List<Attr> rdn : issuer) {
                rdns.add(new DERSet(rdn.stream().map(Attr::encoded).toArray(ASN1Encodable[]::new)));
            }
            X500Name name = X500Name.getInstance(new DERSequence(rdns));
            SignerIdentifier sid = keyIdentifier ? new SignerIdentifier(new DEROctetString(serial.abs().toByteArray()))
                    : new SignerIdentifier(new IssuerAndSerialNumber(name, serial));
            AlgorithmIdentifier digestId = new AlgorithmIdentifier(new ASN1ObjectIdentifier(DIGESTS.get(digest)));
            Attribute contentType = new Attribute(PKCSObjectIdentifiers.pkcs_9_at_contentType,
                    new DERSet(CMSObjectIdentifiers.data));
            ASN1Set attributes = signedAttributes ? new DERSet(contentType) : null;
            SignerInfo info = new SignerInfo(sid, digestId, attributes,
                    new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption), new DEROctetString(signature), null);
            ASN1Set certs = certificates ? new DERSet(new DERSequence(new DEROctetString(new byte[] {1, 2, 3}))) : null;
            SignedData signed = new SignedData(new DERSet(digestId), new ContentInfo(CMSObjectIdentifiers.data, null),
                    certs, null, new DERSet(info));
            ContentInfo content = new ContentInfo(CMSObjectIdentifiers.signedData, signed);
            return ber ? content.getEncoded() : content.getEncoded("DER");
        }

        /** What libkmod shows: the first common name, else the last attribute; empty when it shows none. */
        Optional<String> signer() {
            if (keyIdentifier || DIGEST_NAMES.get(digest).isEmpty()) {
                return Optional.empty();
            }
            String shown = "";
            for (List<Attr> rdn : issuer) {
                for (Attr a : inSetOrder(rdn)) {
                    shown = a.shown();
                    if (a.type().equals("2.5.4.3")) {
                        return Optional.of(shown);
                    }
                }
            }
            return Optional.of(shown);
        }
    }

    /** A SET's attributes in the order DER sorts them, which they are encoded in. */
    private static List<Attr> inSetOrder(List<Attr> rdn) {
        List<ASN1Encodable> order = List.of(new DERSet(rdn.stream().map(Attr::encoded).toArray(ASN1Encodable[]::new))
                .toArray());
        return rdn.stream().sorted(Comparator.comparingInt(a -> order.indexOf(a.encoded()))).toList();
    }

    @Property(tries = 300)
    void readsEveryFieldBouncyCastleWrote(@ForAll("shapes") Shape shape) throws IOException {
        Optional<Pkcs7> p = Pkcs7.parse(shape.encoded());
        assertThat(p.map(Pkcs7::signer)).isEqualTo(shape.signer());
        if (p.isPresent()) {
            assertThat(p.get().serial()).isEqualTo(magnitude(shape.serial()));
            assertThat(p.get().hashAlgorithm()).isEqualTo(DIGEST_NAMES.get(shape.digest()));
            assertThat(p.get().signature()).isEqualTo(shape.signature());
        }
    }

    @Property(tries = 100)
    void aBlobCutShortIsNoSignatureAndWhatFollowsItIsNeverRead(@ForAll("shapes") Shape shape) throws IOException {
        byte[] whole = shape.encoded();
        for (int length = 0; length < whole.length; length++) {
            assertThat(Pkcs7.parse(Arrays.copyOf(whole, length))).isEmpty();
        }
        byte[] followed = Arrays.copyOf(whole, whole.length + 3);
        followed[whole.length] = (byte) 0xff;
        assertThat(Pkcs7.parse(followed).map(Pkcs7::signer)).isEqualTo(shape.signer());
    }

    @Provide
    Arbitrary<Shape> shapes() {
        Arbitrary<Attr> attr = Combinators.combine(Arbitraries.of(ATTRIBUTE_TYPES),
                Arbitraries.strings().withCharRange('\0', '\u00ff').ofMaxLength(12), Arbitraries.of(true, false))
                .as(Attr::new);
        Arbitrary<List<List<Attr>>> issuer = attr.list().ofMinSize(1).ofMaxSize(2).list().ofMaxSize(4);
        Arbitrary<BigInteger> serial = Arbitraries.bigIntegers().between(
                BigInteger.ONE.shiftLeft(160).negate(), BigInteger.ONE.shiftLeft(160));
        Arbitrary<byte[]> signature = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
        return Combinators.combine(issuer, serial, Arbitraries.integers().between(0, DIGESTS.size() - 1), signature,
                Arbitraries.of(false, false, false, true), Arbitraries.of(true, false), Arbitraries.of(true, false),
                Arbitraries.of(true, false)).as(Shape::new);
    }

    private static byte[] magnitude(BigInteger serial) {
        byte[] b = serial.abs().toByteArray();
        int skip = 0;
        while (skip < b.length && b[skip] == 0) {
            skip++;
        }
        return Arrays.copyOfRange(b, skip, b.length);
    }
}
