package org.modstack.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * A configuration list finds the entry libkmod's walk finds: the first, in order, whose pattern
 * fnmatches the name, whether that pattern is a plain name or has wildcards before or after it.
 */
class FnmatchListPropertyTest {
    /** An entry: its pattern, and where it stood. */
    private record Line(String module, int at) implements FnmatchList.Entry {
    }

    @Property(tries = 3000)
    void firstIsTheFirstMatchInOrder(@ForAll("lists") List<String> patterns, @ForAll("names") String name) {
        List<Line> lines = new ArrayList<>();
        for (int i = 0; i < patterns.size(); i++) {
            lines.add(new Line(patterns.get(i), i));
        }
        Optional<Line> walked = lines.stream().filter(l -> Fnmatch.matches(l.module(), name)).findFirst();
        assertThat(new FnmatchList<>(lines).first(name)).isEqualTo(walked);
    }

    @Test
    void aWildcardBeforeAPlainNameWins() {
        List<Line> lines = List.of(new Line("snd", 0), new Line("snd*", 1), new Line("snd", 2));
        assertThat(new FnmatchList<>(List.of(lines.get(1), lines.get(0))).first("snd"))
                .contains(lines.get(1));
        assertThat(new FnmatchList<>(lines).first("snd")).contains(lines.get(0));
        assertThat(new FnmatchList<>(List.of(new Line("s\\nd", 0))).first("snd")).isPresent();
    }

    @Provide
    Arbitrary<List<String>> lists() {
        Arbitrary<String> plain = Arbitraries.strings().withChars("ab").ofMinLength(1).ofMaxLength(3);
        Arbitrary<String> wild = Arbitraries.strings().withChars("ab*?[]\\").ofMaxLength(4);
        return Arbitraries.oneOf(plain, plain, wild).list().ofMaxSize(8);
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.strings().withChars("ab").ofMaxLength(3);
    }
}
