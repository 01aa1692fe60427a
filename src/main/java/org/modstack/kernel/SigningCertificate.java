package org.modstack.kernel;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Locale;
import java.util.Optional;
import org.modstack.module.ModuleSignature;

/**
 * The certificate a kernel verifies its modules' signatures with (Debian builds each kernel with
 * a key of its own and puts the certificate in vmlinux): with it, a signature from that key is
 * checked against the module's bytes, as {@code public_key_verify_signature} does.
 *
 * @param certificate the X.509 certificate
 */
record SigningCertificate(X509Certificate certificate) {

    /** The certificate in {@code der}, or empty when it is not one. */
    static Optional<SigningCertificate> parse(byte[] der) {
        try {
            CertificateFactory f = CertificateFactory.getInstance("X.509");
            return Optional.of(new SigningCertificate(
                    (X509Certificate) f.generateCertificate(new ByteArrayInputStream(der))));
        } catch (GeneralSecurityException e) {
            return Optional.empty();
        }
    }

    /** Whether {@code sig} names this certificate's key (for PKCS#7: its serial number). */
    boolean issued(ModuleSignature sig) {
        return new java.math.BigInteger(1, sig.keyId()).equals(certificate.getSerialNumber());
    }

    /**
     * Whether {@code sig} is this key's signature of {@code content}: the kernel's signatures are
     * made without signed attributes, over the module's bytes themselves.
     */
    boolean verifies(ModuleSignature sig, ByteBuffer content) {
        String key = certificate.getPublicKey().getAlgorithm().equals("EC") ? "ECDSA"
                : certificate.getPublicKey().getAlgorithm();
        try {
            Signature s = Signature.getInstance(sig.hashAlgorithm().toUpperCase(Locale.ROOT) + "with" + key);
            s.initVerify(certificate.getPublicKey());
            s.update(content.duplicate());
            return s.verify(sig.signature());
        } catch (GeneralSecurityException e) {
            return false;  // an algorithm the JDK lacks, or a malformed signature: the kernel rejects both
        }
    }
}
