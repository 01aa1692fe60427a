package org.modstack.util;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The incremental matcher an index lookup prunes its subtrees with agrees with the whole-pattern
 * one: read in two pieces, a pattern matches exactly when {@link Fnmatch#matches} says so, and
 * a beginning it calls impossible is never completed into a match.
 */
class FnmatchReachPropertyTest {

    @Property(tries = 3000)
    void reachReadInPiecesAgreesWithTheWholePattern(@ForAll("patterns") String pattern, @ForAll("subjects") String subject,
                                                    @ForAll("cuts") int cut) {
        int at = Math.min(cut, pattern.length());
        Fnmatch.Reach first = Fnmatch.Reach.start(subject).then(pattern, 0, at);
        Fnmatch.Reach whole = first.then(pattern, at, pattern.length());
        boolean expected = Fnmatch.matches(pattern, subject);
        assertThat(whole.matchesAll(pattern)).isEqualTo(expected);
        if (first.impossible()) {
            assertThat(expected).isFalse();
        }
    }

    @Property(tries = 1000)
    void reachFromAnOffsetMatchesTheSubjectsEnd(@ForAll("patterns") String pattern, @ForAll("subjects") String subject,
                                                @ForAll("cuts") int offset) {
        int from = Math.min(offset, subject.length());
        Fnmatch.Reach r = Fnmatch.Reach.start(subject).from(from).then(pattern, 0, pattern.length());
        assertThat(r.matchesAll(pattern)).isEqualTo(Fnmatch.matches(pattern, subject.substring(from)));
    }

    @Provide
    Arbitrary<String> patterns() {
        return Arbitraries.strings().withChars("ab*?[]!\\-").ofMaxLength(12);
    }

    @Provide
    Arbitrary<String> subjects() {
        // long ones too: the reach spans more than one 64-bit word
        return Arbitraries.oneOf(Arbitraries.strings().withChars("ab[]-\\").ofMaxLength(10),
                Arbitraries.strings().withChars("ab").ofMinLength(60).ofMaxLength(140));
    }

    @Provide
    Arbitrary<Integer> cuts() {
        return Arbitraries.integers().between(0, 14);
    }
}
