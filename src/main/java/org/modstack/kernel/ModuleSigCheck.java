package org.modstack.kernel;

import static org.modstack.kernel.VirtualKernel.IGNORE_MODVERSIONS;
import static org.modstack.kernel.VirtualKernel.IGNORE_VERMAGIC;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;
import java.util.function.Consumer;
import org.modstack.Errno;
import org.modstack.ErrnoException;
import org.modstack.module.ModuleSignature;

/**
 * module_sig_check, the first step of a load: an appended signature is checked unless the module
 * was mangled (forced); its trailer's faults, an unknown key, or bytes the key did not sign end
 * the load; an unsigned module loads unless signatures are enforced. The length of the image
 * without its signature is what the rest of the load reads.
 */
final class ModuleSigCheck {
    private static final byte[] SIG_MARKER = ModuleSignature.MAGIC;
    private static final int PKEY_ID_PKCS7 = 2;

    private final KernelDescription kernel;
    private final ByteBuffer image;
    private final int flags;
    private final Consumer<String> log;
    private long len;

    ModuleSigCheck(KernelDescription kernel, ByteBuffer image, int flags, Consumer<String> log) {
        this.kernel = kernel;
        this.image = image;
        this.flags = flags;
        this.log = log;
        this.len = image.remaining();
    }

    /** The image's length without the signature (all of it when unsigned). */
    long length() {
        return len;
    }

    /** Whether the signature held; otherwise the load goes on unsigned or fails with the errno thrown. */
    boolean run() throws ErrnoException {
        boolean mangled = (flags & (IGNORE_MODVERSIONS | IGNORE_VERMAGIC)) != 0;
        Errno err = Errno.ENODATA;
        if (!mangled && endsWithMarker()) {
            len -= SIG_MARKER.length;
            try {
                verifySignature();
                return true;
            } catch (ErrnoException e) {
                err = e.errno();
            }
        }
        String reason = switch (err) {
            case ENODATA -> "unsigned module";
            case ENOPKG -> "module with unsupported crypto";
            case ENOKEY -> "module with unavailable key";
            default -> throw fail(err);
        };
        if (kernel.config().moduleSigForce()) {
            log.accept("Loading of " + reason + " is rejected");
            throw fail(Errno.EKEYREJECTED);
        }
        return false;
    }

    private boolean endsWithMarker() {
        if (len <= SIG_MARKER.length) {
            return false;
        }
        for (int i = 0; i < SIG_MARKER.length; i++) {
            if (image.get((int) (len - SIG_MARKER.length + i)) != SIG_MARKER[i]) {
                return false;
            }
        }
        return true;
    }

    /** mod_verify_sig: the trailer's checks; a key the kernel has verifies, any other is unavailable. */
    private void verifySignature() throws ErrnoException {
        if (len <= 12) {
            throw fail(Errno.EBADMSG);
        }
        int at = (int) (len - 12);
        long sigLen = Integer.toUnsignedLong(image.order(ByteOrder.BIG_ENDIAN).getInt(at + 8));
        if (sigLen >= len - 12) {
            throw fail(Errno.EBADMSG);
        }
        if (image.get(at + 2) != PKEY_ID_PKCS7) {
            log.accept("module: not signed with expected PKCS#7 message");
            throw fail(Errno.ENOPKG);
        }
        for (int i : new int[] {0, 1, 3, 4, 5, 6, 7}) {
            if (image.get(at + i) != 0) {
                log.accept("module: PKCS#7 signature info has unexpected non-zero params");
                throw fail(Errno.EBADMSG);
            }
        }
        Optional<ModuleSignature> sig = ModuleSignature.find(image.duplicate().limit((int) len + SIG_MARKER.length));
        len -= sigLen + 12;
        if (sig.isEmpty()) {
            throw fail(Errno.EBADMSG);
        }
        if (!kernel.trusts(sig.get())) {
            throw fail(Errno.ENOKEY);
        }
        if (!kernel.verifies(sig.get(), image.duplicate().position(0).limit((int) len))) {
            throw fail(Errno.EKEYREJECTED);  // the bytes are not what the key signed
        }
    }

    private static ErrnoException fail(Errno errno) {
        return new ErrnoException(errno, "init_module : " + errno.message());
    }
}
