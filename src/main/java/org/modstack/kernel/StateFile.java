package org.modstack.kernel;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The virtual kernel's store format, {@code kernel.state}: which kernel was booted and what it
 * has done since, read and written by every virtual-kernel command. Binary and read field by
 * field, because a general JSON mapper costs more to start than the command's work (JSON stays
 * what {@code kernel status -J} prints). A text line names the format and its version, so an
 * older or newer file is told apart from a damaged one:
 *
 * <pre>
 * "modstack virtual kernel state " VERSION "\n"
 * boot:   str root, str release, str cmdline
 * state:  u64 taint, u64 nextAddress, list&lt;str&gt; log, list&lt;str&gt; once, u32 n × (str name, i32 result)
 *         u32 n × module
 * module: str name, u64 size, u64 address, str state, u64 taint mask, list&lt;str&gt; holders,
 *         list&lt;str&gt; uses, i32 refcnt, bool hasInit, bool hasExit,
 *         u32 n × (str name, bool gplOnly, str namespace, bool hasCrc, u64 crc),
 *         u32 n × (str name, i32 perm, str value), bool usesGplOnly, list&lt;str&gt; modinfoFiles (u32 -1: absent)
 * str:    u32 length, UTF-8 bytes;  list&lt;str&gt;: u32 n × str
 * </pre>
 *
 * <p>{@code linkage}, written once at boot: the loader's configuration, what vmlinux brings to
 * linking a module (its exports, the vermagic and the trusted keys) and the {@code /sys/module}
 * directories the kernel boots with, read from the tree and the carried kernels then, so that
 * insmod does not parse the {@code .config}, {@code Module.symvers} and a signed module again on
 * every run. The exports are sorted by name behind a table of their offsets, so that a lookup
 * decodes only what it meets ({@link SortedExports}). A linkage file of another version is not
 * refused: the tree is read.
 *
 * <pre>
 * "modstack virtual kernel linkage " LINKAGE_VERSION "\n"
 * 9 × bool (KernelConfig's options, in its order), str vermagic, list&lt;str&gt; keys,
 * bool sysModuleKnown, list&lt;str&gt; sysModule,
 * u32 n, n × u32 offset (into the exports that follow), n × export (as a module's exports above)
 * </pre>
 */
final class StateFile {
    static final int VERSION = 2;
    private static final int LINKAGE_VERSION = 3;
    private static final byte[] HEADER = "modstack virtual kernel state ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LINKAGE = "modstack virtual kernel linkage ".getBytes(StandardCharsets.US_ASCII);

    /** Which kernel a store holds. */
    record Boot(String root, String release, String cmdline) {
    }

    /** What the file holds. */
    record Contents(Boot boot, BootState.Snapshot state) {
    }

    /** Why a file is not one this version reads: the reason is said to the user in one line. */
    static class UnreadableException extends Exception {
        private static final long serialVersionUID = 1L;

        UnreadableException(String reason) {
            super(reason);
        }
    }

    /** A state file in another version of the format: not damaged, written by another modstack. */
    static final class OtherVersionException extends UnreadableException {
        private static final long serialVersionUID = 1L;

        OtherVersionException(int version) {
            super("virtual kernel state in format " + version + ", this modstack reads format " + VERSION);
        }
    }

    private StateFile() {
    }

    static byte[] encode(Boot boot, BootState.Snapshot s) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(4096);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            header(out, HEADER, VERSION);
            str(out, boot.root());
            str(out, boot.release());
            str(out, boot.cmdline());
            out.writeLong(s.taint());
            out.writeLong(s.nextAddress());
            strs(out, s.log());
            strs(out, List.copyOf(s.once()));
            out.writeInt(s.initResults().size());
            for (Map.Entry<String, Integer> e : s.initResults().entrySet()) {
                str(out, e.getKey());
                out.writeInt(e.getValue());
            }
            out.writeInt(s.modules().size());
            for (LoadedModule m : s.modules()) {
                module(out, m);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);  // a byte array does not fail
        }
        return bytes.toByteArray();
    }

    static Contents decode(byte[] file) throws UnreadableException {
        try (DataInputStream in = body(file, HEADER, VERSION)) {
            Boot boot = new Boot(str(in), str(in), str(in));
            long taint = in.readLong();
            long nextAddress = in.readLong();
            List<String> log = strs(in);
            Set<String> once = new LinkedHashSet<>(strs(in));
            Map<String, Integer> initResults = new HashMap<>();
            for (int i = count(in); i > 0; i--) {
                initResults.put(str(in), in.readInt());
            }
            List<LoadedModule> modules = new ArrayList<>();
            for (int i = count(in); i > 0; i--) {
                modules.add(module(in));
            }
            end(in);
            return new Contents(boot, new BootState.Snapshot(modules, taint, log, once, initResults, nextAddress));
        } catch (EOFException e) {
            throw new UnreadableException("truncated");
        } catch (IllegalArgumentException e) {
            throw new UnreadableException("unknown module state");  // State.valueOf
        } catch (IOException e) {
            throw new UncheckedIOException(e);  // a byte array does not fail
        }
    }

    static byte[] encodeLinkage(KernelDescription.Linkage.Kept kept) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 19);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            header(out, LINKAGE, LINKAGE_VERSION);
            config(out, kept.config());
            str(out, kept.vermagic());
            strs(out, List.copyOf(kept.keys()));
            out.writeBoolean(kept.sysModule().isPresent());
            strs(out, kept.sysModule().map(List::copyOf).orElse(List.of()));
            List<KernelSymbol> sorted = kept.exports().values().stream()
                    .sorted(Comparator.comparing(KernelSymbol::name)).toList();
            ByteArrayOutputStream records = new ByteArrayOutputStream(1 << 19);
            DataOutputStream record = new DataOutputStream(records);
            out.writeInt(sorted.size());
            for (KernelSymbol e : sorted) {
                out.writeInt(records.size());
                symbol(record, e);
            }
            records.writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);  // a byte array does not fail
        }
        return bytes.toByteArray();
    }

    static KernelDescription.Linkage.Kept decodeLinkage(byte[] file) throws UnreadableException {
        try (DataInputStream in = body(file, LINKAGE, LINKAGE_VERSION)) {
            KernelConfig config = config(in);
            String vermagic = str(in);
            Set<String> keys = Set.copyOf(strs(in));
            boolean sysModuleKnown = in.readBoolean();
            Set<String> sysModule = Set.copyOf(strs(in));
            int n = count(in);
            SortedExports exports = new SortedExports(file, file.length - in.available(), n);
            return new KernelDescription.Linkage.Kept(config, exports, vermagic, keys,
                    sysModuleKnown ? Optional.of(sysModule) : Optional.empty());
        } catch (EOFException e) {
            throw new UnreadableException("truncated");
        } catch (IOException e) {
            throw new UncheckedIOException(e);  // a byte array does not fail
        }
    }

    private static void header(DataOutputStream out, byte[] header, int version) throws IOException {
        out.write(header);
        out.write((version + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    /** What follows a header line naming this version of the format. */
    private static DataInputStream body(byte[] file, byte[] header, int expected) throws UnreadableException {
        int end = header.length;
        if (file.length < end || !Arrays.equals(file, 0, end, header, 0, end)) {
            throw new UnreadableException("not a " + new String(header, StandardCharsets.US_ASCII).strip());
        }
        while (end < file.length && file[end] != '\n' && end - header.length < 9) {
            end++;
        }
        int version;
        try {
            version = Integer.parseInt(new String(file, header.length, end - header.length, StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            throw new UnreadableException("no format version");
        }
        if (version != expected) {
            throw new OtherVersionException(version);
        }
        return new DataInputStream(new ByteArrayInputStream(file, end + 1, file.length - end - 1));
    }

    static void end(DataInputStream in) throws IOException, UnreadableException {
        if (in.read() != -1) {
            throw new UnreadableException("trailing bytes");
        }
    }

    private static void config(DataOutputStream out, KernelConfig c) throws IOException {
        for (boolean option : new boolean[] {c.modversions(), c.moduleSig(), c.moduleSigForce(), c.forceLoad(),
                c.unload(), c.forceUnload(), c.missingNamespaceImportsAllowed(), c.strictModuleRwx(), c.kallsymsAll()}) {
            out.writeBoolean(option);
        }
    }

    private static KernelConfig config(DataInputStream in) throws IOException {
        return new KernelConfig(in.readBoolean(), in.readBoolean(), in.readBoolean(), in.readBoolean(),
                in.readBoolean(), in.readBoolean(), in.readBoolean(), in.readBoolean(), in.readBoolean());
    }

    private static void symbol(DataOutputStream out, KernelSymbol e) throws IOException {
        str(out, e.name());
        out.writeBoolean(e.gplOnly());
        str(out, e.namespace());
        out.writeBoolean(e.crc().isPresent());
        out.writeLong(e.crc().orElse(0));
    }

    static KernelSymbol symbol(DataInputStream in) throws IOException {
        String name = str(in);
        boolean gplOnly = in.readBoolean();
        String namespace = str(in);
        boolean hasCrc = in.readBoolean();
        long crc = in.readLong();
        return new KernelSymbol(name, gplOnly, namespace, hasCrc ? OptionalLong.of(crc) : OptionalLong.empty());
    }

    private static void module(DataOutputStream out, LoadedModule m) throws IOException {
        str(out, m.name());
        out.writeLong(m.size());
        out.writeLong(m.address());
        str(out, m.state().name());
        out.writeLong(Taint.mask(m.taints()));
        strs(out, m.holders());
        strs(out, m.uses());
        out.writeInt(m.refcnt());
        out.writeBoolean(m.hasInit());
        out.writeBoolean(m.hasExit());
        out.writeInt(m.exports().size());
        for (KernelSymbol e : m.exports()) {
            symbol(out, e);
        }
        out.writeInt(m.parameters().size());
        for (LoadedModule.Parameter p : m.parameters()) {
            str(out, p.name());
            out.writeInt(p.perm());
            str(out, p.value());
        }
        out.writeBoolean(m.usesGplOnly());
        if (m.modinfoFiles() == null) {
            out.writeInt(-1);
        } else {
            strs(out, m.modinfoFiles());
        }
    }

    private static LoadedModule module(DataInputStream in) throws IOException {
        String name = str(in);
        long size = in.readLong();
        long address = in.readLong();
        LoadedModule.State state = LoadedModule.State.valueOf(str(in));
        Set<Taint> taints = Taint.ofMask(in.readLong());
        List<String> holders = strs(in);
        List<String> uses = strs(in);
        int refcnt = in.readInt();
        boolean hasInit = in.readBoolean();
        boolean hasExit = in.readBoolean();
        List<KernelSymbol> exports = new ArrayList<>();
        for (int i = count(in); i > 0; i--) {
            exports.add(symbol(in));
        }
        List<LoadedModule.Parameter> parameters = new ArrayList<>();
        for (int i = count(in); i > 0; i--) {
            parameters.add(new LoadedModule.Parameter(str(in), in.readInt(), str(in)));
        }
        boolean usesGplOnly = in.readBoolean();
        int files = in.readInt();
        List<String> modinfoFiles = files == -1 ? null : strs(in, files);
        return new LoadedModule(name, size, address, state, taints, holders, uses, refcnt, hasInit, hasExit,
                List.copyOf(exports), List.copyOf(parameters), usesGplOnly, modinfoFiles);
    }

    private static void str(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static void strs(DataOutputStream out, List<String> list) throws IOException {
        out.writeInt(list.size());
        for (String s : list) {
            str(out, s);
        }
    }

    private static String str(DataInputStream in) throws IOException {
        int n = count(in);
        return new String(in.readNBytes(n), StandardCharsets.UTF_8);
    }

    private static List<String> strs(DataInputStream in) throws IOException {
        return strs(in, count(in));
    }

    private static List<String> strs(DataInputStream in, int n) throws IOException {
        List<String> out = new ArrayList<>(Math.min(n, 1024));
        for (int i = 0; i < n; i++) {
            out.add(str(in));
        }
        return List.copyOf(out);
    }

    /** A length or count: never negative, never more than the bytes left could hold (else the file was cut short). */
    private static int count(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > in.available()) {
            throw new EOFException();
        }
        return n;
    }
}
