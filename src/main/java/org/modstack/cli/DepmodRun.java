package org.modstack.cli;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.modstack.Errno;
import org.modstack.ErrnoException;

/** Our depmod run in process over a tree modstack staged itself, its failure never ignored. */
public final class DepmodRun {
    private DepmodRun() {
    }

    /**
     * Indexes {@code root/lib/modules/release} as {@code depmod -b root release}.
     *
     * @throws ErrnoException carrying depmod's own error lines when it fails
     */
    public static void index(Path root, String release) throws ErrnoException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(out, err, "depmod", "-b", root.toString(), release);
        if (status != 0) {
            throw new ToolFailure(new ErrnoException(Errno.EINVAL, "depmod -b " + root + " " + release + " failed: "
                    + err.toString(StandardCharsets.ISO_8859_1).strip()));
        }
    }
}
