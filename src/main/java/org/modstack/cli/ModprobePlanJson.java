package org.modstack.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Optional;
import org.modstack.modprobe.Modprobe;

/**
 * {@code modprobe -D --json} / {@code -n --json}: the load plan, one step per line that
 * {@code --show-depends} prints, with why each module is in it (schema:
 * {@code docs/schema/modprobe-plan.schema.json}).
 */
final class ModprobePlanJson {
    private final ToolOutput io;
    private final JsonGenerator g;

    ModprobePlanJson(ToolOutput io) {
        this.io = io;
        this.g = JsonOutput.open(io);
        try {
            g.writeStartObject();
            g.writeArrayFieldStart("plan");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void step(Modprobe.Action a) {
        try {
            g.writeStartObject();
            g.writeStringField("action", a.kind().name().toLowerCase(Locale.ROOT));
            g.writeStringField("module", a.module());
            JsonOutput.field(g, "file", Optional.of(a.subject()).filter(s -> a.kind() == Modprobe.Action.Kind.INSMOD));
            JsonOutput.field(g, "command", Optional.of(a.subject()).filter(s -> a.kind() == Modprobe.Action.Kind.INSTALL));
            g.writeStringField("options", JsonOutput.text(a.options() == null ? "" : a.options()));
            g.writeStringField("role", a.role().name().toLowerCase(Locale.ROOT));
            g.writeBooleanField("builtin", a.kind() == Modprobe.Action.Kind.BUILTIN);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void close() {
        try {
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        JsonOutput.close(g, io);
    }
}
