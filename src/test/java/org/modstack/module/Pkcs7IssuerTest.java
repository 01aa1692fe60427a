package org.modstack.module;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.DERUTF8String;
import org.junit.jupiter.api.Test;

/** The signer modinfo shows: the issuer's first common name, read as OpenSSL decodes the name. */
class Pkcs7IssuerTest {
    private static final ASN1ObjectIdentifier CN = new ASN1ObjectIdentifier("2.5.4.3");
    private static final ASN1ObjectIdentifier O = new ASN1ObjectIdentifier("2.5.4.10");

    @Test
    void signerIsTheFirstCommonNameElseTheLastAttribute() throws Exception {
        assertThat(issuer(name(rdn(O, "Debian"), rdn(CN, "Secure Boot CA"), rdn(CN, "second"))))
                .isEqualTo("Secure Boot CA");
        assertThat(issuer(name(rdn(O, "Debian"), rdn(O, "last")))).isEqualTo("last");
        assertThat(issuer(name())).isEmpty();
    }

    @Test
    void signerEndsAtItsFirstNul() throws Exception {
        assertThat(issuer(name(rdn(CN, "kernel\0key")))).isEqualTo("kernel");
    }

    @Test
    void aMalformedAttributeAfterTheCommonNameStillHidesTheSignature() {
        DERSequence bad = name(rdn(CN, "Secure Boot CA"), new DERSet(new ASN1Integer(7)));
        assertThatThrownBy(() -> issuer(bad)).isInstanceOf(Der.MalformedException.class);
    }

    private static String issuer(DERSequence name) throws Exception {
        return Pkcs7.issuerName(Der.read(name.getEncoded()));
    }

    private static DERSequence name(ASN1Encodable... rdns) {
        return new DERSequence(rdns);
    }

    private static DERSet rdn(ASN1ObjectIdentifier type, String value) {
        return new DERSet(new DERSequence(new ASN1Encodable[] {type, new DERUTF8String(value)}));
    }
}
