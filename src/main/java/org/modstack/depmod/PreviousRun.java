package org.modstack.depmod;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32C;
import org.modstack.module.SymbolVersion;

/**
 * The last rendering run, kept beside the cache: the inputs it indexed, the files it rendered and
 * the messages it logged while linking and rendering. Most depmod runs index a tree whose
 * modules did not change in anything depmod reads (a kernel package's postinst, a DKMS rebuild
 * of the same source): such a run finds the last run's files still on disk, checks them, and
 * writes them again without linking or rendering anything.
 *
 * <p>The inputs are everything the rendering reads besides the modules' contents: the options,
 * the modules' paths in their order and the tree's own input files. The contents are named by
 * the cache's generation ({@link DepmodCache}). A file on disk counts only with the length and
 * CRC-32C it was rendered with; anything else renders the tree again.
 *
 * <pre>
 * file:    "MSDL" u32 version | u32 crc32 of the rest | body
 * body:    u64 generation | u32 length, bytes: the inputs
 *          u32 n, {str name, u32 length, u32 crc32c} x n     the files, in writing order
 *          u32 n, {u8 level, str text} x n                    the messages, in logging order
 * str:     u32 length, bytes (ISO-8859-1)
 * </pre>
 */
final class PreviousRun {
    /** The file's name in the cache directory. */
    static final String FILE_NAME = ".modstack-depmod.last";
    private static final int MAGIC = 0x4D53444C;  // "MSDL"
    private static final int VERSION = 1;
    /** The tree's files the rendering reads, at the top of the module directory. */
    private static final List<String> TREE_INPUTS =
            List.of("modules.order", "modules.builtin", "modules.builtin.modinfo");

    /** What a rendering run gave: its files, and every message it logged while linking and rendering. */
    record Rendering(List<IndexSet.File> files, List<BufferedLog.Message> messages) {
    }

    private record Output(String name, int length, int crc) {
    }

    private final long generation;
    private final byte[] inputs;
    private final Rendering rendering;

    private PreviousRun(long generation, byte[] inputs, Rendering rendering) {
        this.generation = generation;
        this.inputs = inputs;
        this.rendering = rendering;
    }

    /**
     * The tree's own files the rendering reads, as they are for {@link #inputs}, or empty when
     * one of them cannot be read (such a run always renders).
     */
    static Optional<byte[]> treeFiles(String moduleDir) {
        Inputs in = new Inputs();
        for (String name : TREE_INPUTS) {
            try {
                in.bytes(Files.readAllBytes(Path.of(moduleDir, name)));
            } catch (NoSuchFileException e) {
                in.number(-1);  // the rendering logs it; the messages are kept
            } catch (IOException e) {
                return Optional.empty();
            }
        }
        return Optional.of(in.toByteArray());
    }

    /** The inputs of a run over {@code modules}, as bytes compared whole with the kept run's. */
    static byte[] inputs(Depmod.Options options, List<DepmodModule> modules, byte[] treeFiles) {
        Inputs in = new Inputs();
        in.text(options.moduleDir()).text(options.release());
        for (List<String> values : List.of(options.config().searches(), options.config().overrides(),
                options.config().externals(), options.config().excludes(), options.explicitModules())) {
            in.texts(values);
        }
        in.number(options.kernelSymbols().isPresent() ? 1 : 0);
        for (SymbolVersion s : options.kernelSymbols().orElse(List.of())) {
            in.text(s.name()).number(s.crc());
        }
        in.number(options.checkVersions() ? 1 : 0).number(options.reportUnknown() ? 1 : 0)
          .number(options.warnDuplicates() ? 1 : 0).number(options.symbolPrefix()).text(options.version().name());
        in.number(modules.size());
        for (DepmodModule m : modules) {
            in.text(m.path);
        }
        in.bytes(treeFiles);
        return in.toByteArray();
    }

    /**
     * The run kept in {@code dir} when every file it rendered is still in {@code outputDir} as
     * rendered (same length and CRC-32C), with those files.
     */
    static Optional<PreviousRun> load(Path dir, Path outputDir) {
        try {
            return decode(ByteBuffer.wrap(Files.readAllBytes(dir.resolve(FILE_NAME))), outputDir);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();  // missing or damaged: the run renders
        }
    }

    /** Whether this run indexed the same {@code inputs} over the same module contents. */
    boolean indexed(long generation, byte[] inputs) {
        return generation == this.generation && Arrays.equals(inputs, this.inputs);
    }

    /** The files it rendered, read back from disk. */
    List<IndexSet.File> files() {
        return rendering.files();
    }

    /** Logs its messages again, as its rendering logged them. */
    void replayTo(Depmod.Log log) {
        BufferedLog.replay(rendering.messages(), log);
    }

    /** Keeps a rendering run in {@code dir}, whole or not at all. */
    static void store(Path dir, long generation, byte[] inputs, Rendering rendering) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeLong(generation);
        out.writeInt(inputs.length);
        out.write(inputs);
        out.writeInt(rendering.files().size());
        for (IndexSet.File f : rendering.files()) {
            writeString(out, f.name());
            out.writeInt(f.contents().remaining());
            out.writeInt(crc32c(f.contents()));
        }
        out.writeInt(rendering.messages().size());
        for (BufferedLog.Message m : rendering.messages()) {
            out.writeByte(m.level().ordinal());
            writeString(out, m.text());
        }
        CheckedFile.write(dir, FILE_NAME, MAGIC, VERSION, List.of(ByteBuffer.wrap(bytes.toByteArray())));
    }

    /**
     * Decodes a kept run and reads its files back; a damaged one throws (a buffer underflow, or
     * the checks below).
     */
    private static Optional<PreviousRun> decode(ByteBuffer file, Path outputDir) throws IOException {
        ByteBuffer buf = CheckedFile.body(file, MAGIC, VERSION).orElseThrow(() -> new IOException("not a kept run"));
        long generation = buf.getLong();
        byte[] inputs = new byte[count(buf)];
        buf.get(inputs);
        List<IndexSet.File> files = new ArrayList<>();
        for (int n = count(buf); n > 0; n--) {
            Optional<IndexSet.File> f = onDisk(new Output(readString(buf), buf.getInt(), buf.getInt()), outputDir);
            if (f.isEmpty()) {
                return Optional.empty();
            }
            files.add(f.get());
        }
        List<BufferedLog.Message> messages = new ArrayList<>();
        BufferedLog.Level[] levels = BufferedLog.Level.values();
        for (int n = count(buf); n > 0; n--) {
            messages.add(new BufferedLog.Message(levels[buf.get()], readString(buf)));
        }
        if (buf.hasRemaining()) {
            throw new IOException("trailing bytes");
        }
        Rendering rendering = new Rendering(List.copyOf(files), List.copyOf(messages));
        return Optional.of(new PreviousRun(generation, inputs, rendering));
    }

    /**
     * The file {@code o} names, if it is in {@code outputDir} as rendered: mapped, not read into
     * the heap, and written from the mapping (the kernel keeps a replaced file's pages while
     * they are mapped).
     */
    private static Optional<IndexSet.File> onDisk(Output o, Path outputDir) {
        ByteBuffer contents;
        try (FileChannel ch = FileChannel.open(outputDir.resolve(o.name()))) {
            if (ch.size() != o.length()) {
                return Optional.empty();
            }
            contents = ch.map(FileChannel.MapMode.READ_ONLY, 0, o.length());
        } catch (IOException e) {
            return Optional.empty();
        }
        return crc32c(contents) == o.crc() ? Optional.of(new IndexSet.File(o.name(), contents)) : Optional.empty();
    }

    /** A count no larger than the bytes left could hold (a damaged file never sizes anything). */
    private static int count(ByteBuffer buf) throws IOException {
        int n = buf.getInt();
        if (n < 0 || n > buf.remaining()) {
            throw new IOException("impossible count " + n);
        }
        return n;
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readString(ByteBuffer buf) throws IOException {
        byte[] b = new byte[count(buf)];
        buf.get(b);
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private static int crc32c(ByteBuffer data) {
        CRC32C crc = new CRC32C();
        crc.update(data.duplicate());
        return (int) crc.getValue();
    }

    /** Values, each length-prefixed, so that no two sequences of values give the same bytes. */
    private static final class Inputs extends ByteArrayOutputStream {
        private final ByteBuffer scratch = ByteBuffer.allocate(Long.BYTES);

        Inputs() {
            super(1 << 16);
        }

        Inputs number(long n) {
            write(scratch.putLong(0, n).array(), 0, Long.BYTES);
            return this;
        }

        Inputs bytes(byte[] b) {
            number(b.length);
            writeBytes(b);
            return this;
        }

        Inputs text(String s) {
            return bytes(s.getBytes(StandardCharsets.UTF_8));
        }

        Inputs texts(List<String> values) {
            number(values.size());
            values.forEach(this::text);
            return this;
        }
    }
}
