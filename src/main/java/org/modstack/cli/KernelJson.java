package org.modstack.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import org.modstack.ErrnoException;
import org.modstack.kernel.LoadedModule;
import org.modstack.kernel.Taint;
import org.modstack.kernel.VirtualKernel;
import org.modstack.modprobe.KernelState;

/**
 * The virtual kernel's state as JSON, the pieces {@code lsmod --json}, {@code kernel cat
 * /proc/modules --json} and {@code kernel status --json} share (schemas: {@code docs/schema/}).
 */
final class KernelJson {
    private KernelJson() {
    }

    /**
     * {@code "modules": [...]}, newest first as {@code /proc/modules}: each with the refcount and
     * holders lsmod prints (holders in {@code /sys/module/M/holders} order), its state's
     * {@code /proc/modules} word and its taint letters.
     */
    static void modules(JsonGenerator g, KernelState state) throws IOException, ErrnoException {
        g.writeArrayFieldStart("modules");
        for (KernelState.Loaded m : state.loaded()) {
            g.writeStartObject();
            g.writeStringField("name", m.name());
            g.writeNumberField("size", m.size());
            g.writeNumberField("refcount", state.refcnt(m.name()));
            g.writeArrayFieldStart("holders");
            for (String h : state.holders(m.name())) {
                g.writeString(h);
            }
            g.writeEndArray();
            g.writeStringField("state", m.state());
            g.writeBooleanField("permanent", m.permanent());
            g.writeStringField("taint", m.taint());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    /** {@code kernel status --json}'s fields, into an object {@code g} has open. */
    static void status(JsonGenerator g, VirtualKernel k, KernelState state) throws IOException, ErrnoException {
        g.writeStringField("release", k.description().release());
        g.writeStringField("cmdline", JsonOutput.text(k.description().cmdline().strip()));
        taint(g, k.state().taint());
        modules(g, state);
    }

    /** {@code "taint": {mask, letters, flags: [{letter, name}]}}: the kernel's taint spelled out. */
    static void taint(JsonGenerator g, long mask) throws IOException {
        g.writeObjectFieldStart("taint");
        g.writeNumberField("mask", mask);
        g.writeStringField("letters", letters(mask));
        g.writeArrayFieldStart("flags");
        for (Taint t : Taint.ofMask(mask)) {
            g.writeStartObject();
            g.writeStringField("letter", String.valueOf(t.letter()));
            g.writeStringField("name", t.name());
            g.writeNumberField("bit", t.ordinal());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    /** The letters of every flag a mask holds, in bit order. */
    static String letters(long mask) {
        StringBuilder sb = new StringBuilder();
        Taint.ofMask(mask).forEach(t -> sb.append(t.letter()));
        return sb.toString();
    }
}
