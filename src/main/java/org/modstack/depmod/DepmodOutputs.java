package org.modstack.depmod;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.modstack.ErrnoException;
import org.modstack.index.IndexWriter;
import org.modstack.index.KmodHash;
import org.modstack.module.ModuleName;
import org.modstack.util.ConfigLines;

/** Renders every file depmod writes from the computed stacks, in kmod's order. */
final class DepmodOutputs {
    private static final int SYMBOL_BUCKETS = 2048;

    private final Depmod.Options options;
    private final Depmod.Stacks stacks;
    private final Depmod.Log log;
    private List<Depmod.Symbol> owned;

    DepmodOutputs(Depmod.Options options, Depmod.Stacks stacks, Depmod.Log log) {
        this.options = options;
        this.stacks = stacks;
        this.log = log;
    }


    /** A file to render: its name, whether it is a binary index, how to render it. */
    private record Output(String name, boolean binary, Function<Depmod.Log, byte[]> render) {
    }

    /**
     * The files in kmod's writing order, rendered in parallel; {@code depmod -n} leaves out the
     * binary ones. Each renderer logs into its own buffer, replayed in file order, so messages
     * come out as kmod prints them whatever the timing.
     */
    List<IndexSet.File> render() throws DepmodException {
        List<Output> table = new ArrayList<>(List.of(
                new Output("modules.dep", false, l -> dep()),
                new Output("modules.dep.bin", true, this::depBin),
                new Output("modules.alias", false, l -> alias()),
                new Output("modules.alias.bin", true, this::aliasBin),
                new Output("modules.softdep", false, l -> softdep())));
        if (options.version().writesWeakdeps()) {
            table.add(new Output("modules.weakdep", false, l -> weakdep()));
        }
        table.addAll(List.of(
                new Output("modules.symbols", false, l -> symbols()),
                new Output("modules.symbols.bin", true, this::symbolsBin),
                new Output("modules.builtin.bin", true, this::builtinBin),
                new Output("modules.builtin.alias.bin", true, this::builtinAliasBin),
                new Output("modules.devname", false, this::devname)));
        table.removeIf(o -> o.binary() && options.dryRun());
        List<BufferedLog> logs = new ArrayList<>();
        table.forEach(o -> logs.add(new BufferedLog()));
        List<byte[]> bytes;
        try {
            bytes = IntStream.range(0, table.size()).parallel()
                    .mapToObj(i -> table.get(i).render().apply(logs.get(i))).toList();
        } catch (NotAscii e) {
            throw new DepmodException(e.getMessage());
        }
        List<IndexSet.File> files = new ArrayList<>();
        for (int i = 0; i < table.size(); i++) {
            logs.get(i).replayTo(log);
            files.add(new IndexSet.File(table.get(i).name(), bytes.get(i)));
        }
        return files;
    }

    /** {@code relpath: dep dep...}, the closure deepest last. */
    private String depLine(DepmodModule m) {
        StringBuilder sb = new StringBuilder(m.outputPath()).append(':');
        for (DepmodModule d : Dependencies.closure(m)) {
            sb.append(' ').append(d.outputPath());
        }
        return sb.toString();
    }

    private byte[] dep() {
        StringBuilder sb = new StringBuilder();
        for (DepmodModule m : stacks.modules()) {
            sb.append(depLine(m)).append('\n');
        }
        return bytes(sb);
    }

    private byte[] depBin(Depmod.Log log) {
        IndexWriter idx = new IndexWriter();
        for (DepmodModule m : stacks.modules()) {
            add(idx, m.name, depLine(m), m.index, log, "duplicate module deps:\n%2$s\n");
        }
        return idx.toBytes(options.version().layout());
    }

    private byte[] alias() {
        StringBuilder sb = new StringBuilder("# Aliases extracted from modules themselves.\n");
        for (DepmodModule m : stacks.modules()) {
            for (String a : m.contents.aliases()) {
                sb.append("alias ").append(a).append(' ').append(m.name).append('\n');
            }
        }
        return bytes(sb);
    }

    private byte[] aliasBin(Depmod.Log log) {
        IndexWriter idx = new IndexWriter();
        for (DepmodModule m : stacks.modules()) {
            for (String a : m.contents.aliases()) {
                String key;
                try {
                    key = ModuleName.normalizeAlias(a);
                } catch (ErrnoException e) {
                    log.warning("Unmatched bracket in " + a + "\n");
                    continue;
                }
                add(idx, key, m.name, m.index, log, "duplicate module alias:\n%s %s\n");
            }
        }
        return idx.toBytes(options.version().layout());
    }

    private byte[] softdep() {
        return keyed("# Soft dependencies extracted from modules themselves.\n", "softdep ", true);
    }

    private byte[] weakdep() {
        return keyed("# Weak dependencies extracted from modules themselves.\n", "weakdep ", false);
    }

    private byte[] keyed(String header, String command, boolean soft) {
        StringBuilder sb = new StringBuilder(header);
        for (DepmodModule m : stacks.modules()) {
            for (String v : soft ? m.contents.softdeps() : m.contents.weakdeps()) {
                sb.append(command).append(m.name).append(' ').append(v).append('\n');
            }
        }
        return bytes(sb);
    }

    /** Owned symbols in the order kmod's symbol hash table iterates them; computed once. */
    private synchronized List<Depmod.Symbol> ownedSymbols() {
        if (owned == null) {
            List<Depmod.Symbol> list = new ArrayList<>();
            for (Depmod.Symbol s : stacks.symbols().values()) {
                if (s.owner != null) {
                    list.add(s);
                }
            }
            owned = KmodHash.iterationOrder(list, s -> s.name, SYMBOL_BUCKETS);
        }
        return owned;
    }

    private byte[] symbols() {
        StringBuilder sb = new StringBuilder("# Aliases for symbols, used by symbol_request().\n");
        for (Depmod.Symbol s : ownedSymbols()) {
            sb.append("alias symbol:").append(s.name).append(' ').append(s.owner.name).append('\n');
        }
        return bytes(sb);
    }

    private byte[] symbolsBin(Depmod.Log log) {
        IndexWriter idx = new IndexWriter();
        for (Depmod.Symbol s : ownedSymbols()) {
            add(idx, "symbol:" + s.name, s.owner.name, s.owner.index, log, "duplicate module syms:\n%s %s\n");
        }
        return idx.toBytes(options.version().layout());
    }

    /**
     * A string an index cannot hold: keys are 7-bit ASCII, and kmod 34 refuses such values too.
     * kmod 34 stops with this message; kmod 30 crashes on such keys.
     */
    private static final class NotAscii extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotAscii(String s, int at) {
            super(String.format("Module index: bad character '%c'=0x%x - only 7-bit ASCII is supported:\n%s\n",
                    s.charAt(at), (int) s.charAt(at), s));
        }
    }

    /**
     * Adds an entry, or throws {@link NotAscii} for a key past 7-bit ASCII, then (kmod 34) for
     * such a value. The writer checks every key and value as it copies them, so a key or value
     * is scanned again only when the writer refuses it or (kmod 34) took a value past ASCII
     * (a second scan of every key was 4% of a full run, of every value 2%).
     */
    private void add(IndexWriter idx, String key, String value, long priority, Depmod.Log log, String duplicateFormat) {
        boolean duplicate;
        try {
            duplicate = idx.add(key, value, priority);
        } catch (IllegalArgumentException e) {
            int bad = IndexWriter.firstNonAscii(key);
            if (bad >= 0) {
                throw new NotAscii(key, bad);
            }
            throw e;
        }
        if (options.version().layout() == IndexWriter.Layout.PRE_ORDER && idx.holdsNonAsciiValue()) {
            throw new NotAscii(value, IndexWriter.firstNonAscii(value));  // the first such value: this one
        }
        if (duplicate && duplicateFormat != null && options.warnDuplicates()) {
            log.warning(String.format(duplicateFormat, key, value));
        }
    }


    private byte[] builtinBin(Depmod.Log log) {
        IndexWriter idx = new IndexWriter();
        String text = readInput("modules.builtin", log);
        if (text == null) {
            return new byte[0];
        }
        for (String line : ConfigLines.withNewlines(text)) {
            if (!Character.isLetter(line.charAt(0)) || line.charAt(0) > 'z') {
                log.error("Invalid modules.builtin line: " + line + "\n");
                continue;
            }
            add(idx, ModuleName.fromPath(line), "", 0, log, null);
        }
        return idx.toBytes(options.version().layout());
    }

    /**
     * modules.builtin.alias.bin from the {@code modname.alias=value} records of
     * modules.builtin.modinfo, read with kmod's stream scanner: a record that breaks the
     * pattern is skipped together with whatever the scanner consumed looking for it.
     */
    private byte[] builtinAliasBin(Depmod.Log log) {
        String text = readInput("modules.builtin.modinfo", log);
        if (text == null) {
            return new byte[0];
        }
        IndexWriter idx = new IndexWriter();
        StreamScanner in = new StreamScanner(text);
        while (!in.atEnd()) {
            String modname = in.until('.');
            if (modname == null || modname.isEmpty()) {
                continue;
            }
            String key = in.until('=');
            if (!"alias".equals(key)) {
                in.skipUntil('\0');
                continue;
            }
            String value = in.until('\0');
            if (value == null || value.isEmpty()) {
                continue;
            }
            try {
                add(idx, ModuleName.normalizeAlias(value), modname, 0, log, null);
            } catch (ErrnoException e) {
                log.warning("Unmatched bracket in " + value + "\n");
            }
        }
        return idx.toBytes(options.version().layout());
    }

    /** kmod's flush_stream_to: reads up to a delimiter, stopping early at NUL or the end. */
    private static final class StreamScanner {
        private final String text;
        private int pos;

        StreamScanner(String text) {
            this.text = text;
        }

        boolean atEnd() {
            return pos >= text.length();
        }

        /** The text before {@code end}; null when a NUL or the end came first (consumed). */
        String until(char end) {
            int start = pos;
            while (pos < text.length()) {
                char c = text.charAt(pos++);
                if (c == end) {
                    return text.substring(start, pos - 1);
                }
                if (c == '\0') {
                    return null;
                }
            }
            return null;
        }

        void skipUntil(char end) {
            while (pos < text.length()) {
                char c = text.charAt(pos++);
                if (c == end || c == '\0') {
                    return;
                }
            }
        }
    }

    private static final Pattern MAJOR_MINOR = Pattern.compile("(char|block)-major-(\\d+)-(\\d+).*", Pattern.DOTALL);

    private byte[] devname(Depmod.Log log) {
        StringBuilder sb = new StringBuilder();
        for (DepmodModule m : stacks.modules()) {
            String devname = null;
            char type = 0;
            long major = 0;
            long minor = 0;
            for (String a : m.contents.aliases()) {
                Matcher mm = MAJOR_MINOR.matcher(a);
                if (a.startsWith("devname:")) {
                    devname = a.substring("devname:".length());
                } else if (mm.matches()) {
                    type = mm.group(1).charAt(0) == 'c' ? 'c' : 'b';
                    major = Long.parseLong(mm.group(2)) & 0xFFFFFFFFL;
                    minor = Long.parseLong(mm.group(3)) & 0xFFFFFFFFL;
                }
                if (type != 0 && devname != null) {
                    break;
                }
            }
            if (devname == null) {
                continue;
            }
            if (type == 0) {
                log.error("Module '" + m.name + "' has devname (" + devname
                        + ") but lacks major and minor information. Ignoring.\n");
                continue;
            }
            if (sb.length() == 0) {
                sb.append("# Device nodes to trigger on-demand module loading.\n");
            }
            sb.append(m.name).append(' ').append(devname).append(' ').append(type).append(major).append(':')
              .append(minor).append('\n');
        }
        return bytes(sb);
    }

    /** An input file of the module directory, or null (with kmod's warning) when it cannot be read. */
    private String readInput(String name, Depmod.Log log) {
        try {
            return new String(Files.readAllBytes(Path.of(options.moduleDir(), name)), StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            log.warning("could not open " + name + " at " + options.moduleDir() + ": No such file or directory\n");
        } catch (IOException e) {
            log.warning("could not open " + name + " at " + options.moduleDir() + ": "
                    + ErrnoException.of(e, "").errno().message() + "\n");
        }
        return null;
    }

    private static byte[] bytes(CharSequence s) {
        return s.toString().getBytes(StandardCharsets.ISO_8859_1);
    }
}
