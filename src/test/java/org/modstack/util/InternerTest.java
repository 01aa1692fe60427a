package org.modstack.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * {@link Interner} decodes as {@link CString#text} does, and gives equal bytes one String
 * within a thread, however many names it holds.
 */
class InternerTest {

    @Property(tries = 300)
    void internedNamesDecodeAsPlainTextAndRepeatAsTheSameString(@ForAll("names") List<byte[]> names) {
        Interner interner = new Interner();
        Map<String, String> first = new HashMap<>();
        for (byte[] n : names) {
            // in a direct buffer between two other bytes, as a name lies in a module's image
            ByteBuffer buf = ByteBuffer.allocateDirect(n.length + 2).put((byte) 'x').put(n).put((byte) 'y');
            String s = interner.text(buf, 1, 1 + n.length);
            assertThat(s).isEqualTo(CString.text(buf, 1, 1 + n.length));
            assertThat(s).isSameAs(first.computeIfAbsent(s, k -> s));
        }
    }

    @Provide
    Arbitrary<List<byte[]>> names() {
        Arbitrary<byte[]> name = Arbitraries.bytes().filter(b -> b != 0).array(byte[].class).ofMaxSize(300);
        return name.list().ofMaxSize(60);
    }

    @Test
    void aTableGrownPastItsFirstSizeKeepsEveryName() {
        Interner interner = new Interner();
        List<String> held = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            held.add(interner.text(bytes("sym_" + i), 0, ("sym_" + i).length()));
        }
        for (int i = 0; i < 100_000; i += 997) {
            assertThat(interner.text(bytes("sym_" + i), 0, ("sym_" + i).length())).isSameAs(held.get(i));
        }
    }

    @Test
    void threadsInternIntoTablesOfTheirOwnWithEqualResults() {
        Interner interner = new Interner();
        String here = interner.text(bytes("printk"), 0, 6);
        String there = CompletableFuture.supplyAsync(() -> interner.text(bytes("printk"), 0, 6)).join();
        assertThat(there).isEqualTo(here);
        Set<String> same = new HashSet<>(List.of(here, there));
        assertThat(same).hasSize(1);
    }

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
    }
}
