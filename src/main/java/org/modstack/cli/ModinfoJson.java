package org.modstack.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.modstack.ErrnoException;
import org.modstack.modprobe.ModuleDirectory;
import org.modstack.module.Export;
import org.modstack.module.Import;
import org.modstack.module.KernelModule;
import org.modstack.module.ModinfoEntry;
import org.modstack.module.ModuleSignature;
import org.modstack.module.Parameter;

/**
 * {@code modinfo --json}: an array with one object per module shown, written as each module is
 * read (schema: {@code docs/schema/modinfo.schema.json}).
 */
final class ModinfoJson {
    private final ToolOutput io;
    private final ModuleDirectory dir;
    private final JsonGenerator g;

    /** Writes module objects into {@code g}, where the caller has opened an array. */
    ModinfoJson(ToolOutput io, ModuleDirectory dir, JsonGenerator g) {
        this.io = io;
        this.dir = dir;
        this.g = g;
    }

    /** {@code modinfo --json}'s document on standard output, its array opened. */
    static ModinfoJson open(ToolOutput io, ModuleDirectory dir) {
        JsonGenerator g = JsonOutput.open(io);
        try {
            g.writeStartArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ModinfoJson(io, dir, g);
    }

    /**
     * One module: {@code info} as modinfo lists it, {@code file} the module read, if any.
     *
     * @return false when its symbols could not be read (reported; they are null in the object)
     */
    boolean module(String name, String filename, List<ModinfoEntry> info, Optional<KernelModule> file) {
        try {
            g.writeStartObject();
            g.writeStringField("name", JsonOutput.text(name));
            g.writeStringField("filename", JsonOutput.text(filename));
            g.writeBooleanField("builtin", file.isEmpty());
            List<ModinfoEntry> own = file.isPresent() ? file.get().modinfo() : info;  // the signature apart
            fields(own);
            parameters(own);
            signature(file.flatMap(KernelModule::signature));
            boolean ok = symbols(name, file);
            g.writeEndObject();
            return ok;
        } catch (ErrnoException e) {
            throw new IllegalStateException("modinfo was read before", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void close() {
        try {
            g.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        JsonOutput.close(g, io);
    }

    /** Every key modinfo lists on its own line: one value as a string, a repeated key as an array. */
    private void fields(List<ModinfoEntry> info) throws IOException {
        Map<String, List<String>> byKey = new LinkedHashMap<>();
        for (ModinfoEntry e : info) {
            if (!e.key().equals("parm") && !e.key().equals("parmtype")) {
                byKey.computeIfAbsent(e.key(), k -> new ArrayList<>()).add(e.value());
            }
        }
        g.writeObjectFieldStart("fields");
        for (Map.Entry<String, List<String>> e : byKey.entrySet()) {
            g.writeFieldName(JsonOutput.text(e.getKey()));
            if (e.getValue().size() == 1) {
                g.writeString(JsonOutput.text(e.getValue().get(0)));
            } else {
                g.writeStartArray();
                for (String v : e.getValue()) {
                    g.writeString(JsonOutput.text(v));
                }
                g.writeEndArray();
            }
        }
        g.writeEndObject();
    }

    /** Parameters in modinfo's order (newest first, as kmod's list grows at its head). */
    private void parameters(List<ModinfoEntry> info) throws IOException {
        List<Parameter> list = Parameter.of(info).parameters();
        g.writeArrayFieldStart("parameters");
        for (int i = list.size() - 1; i >= 0; i--) {
            Parameter p = list.get(i);
            g.writeStartObject();
            g.writeStringField("name", JsonOutput.text(p.name()));
            JsonOutput.field(g, "type", p.type());
            JsonOutput.field(g, "description", p.description());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    /** The signature's modinfo fields, the hex strings without modinfo's line breaks. */
    private void signature(Optional<ModuleSignature> sig) throws IOException {
        if (sig.isEmpty()) {
            g.writeNullField("signature");
            return;
        }
        g.writeObjectFieldStart("signature");
        for (ModinfoEntry e : sig.get().modinfoEntriesUnwrapped()) {
            g.writeStringField(e.key(), JsonOutput.text(e.value()));
        }
        g.writeEndObject();
    }

    private boolean symbols(String name, Optional<KernelModule> file) throws IOException {
        if (file.isEmpty()) {
            g.writeArrayFieldStart("exports");
            g.writeEndArray();
            g.writeArrayFieldStart("imports");
            g.writeEndArray();
            return true;
        }
        try {
            List<Export> exports = file.get().exports();
            List<Import> imports = file.get().imports();
            exports(exports);
            imports(imports);
            return true;
        } catch (ErrnoException e) {
            g.writeNullField("exports");
            g.writeNullField("imports");
            io.error("could not read the symbols of '" + name + "': " + e.errno().message() + "\n");
            return false;
        }
    }

    private void exports(List<Export> exports) throws IOException {
        g.writeArrayFieldStart("exports");
        for (Export x : exports) {
            g.writeStartObject();
            g.writeStringField("name", JsonOutput.text(x.name()));
            JsonOutput.crc(g, x.crc());
            g.writeBooleanField("gpl_only", x.gplOnly());
            JsonOutput.field(g, "namespace", x.namespace());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    /** Each import with the module {@code modules.symbols} says provides it, when the directory has one. */
    private void imports(List<Import> imports) throws IOException, ErrnoException {
        g.writeArrayFieldStart("imports");
        for (Import x : imports) {
            g.writeStartObject();
            g.writeStringField("name", JsonOutput.text(x.name()));
            JsonOutput.crc(g, x.crc());
            g.writeBooleanField("weak", x.weak());
            JsonOutput.field(g, "provider", dir.symbolProvider(x.name()));
            g.writeEndObject();
        }
        g.writeEndArray();
    }
}
