package org.modstack.module;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Objects;
import java.util.OptionalLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * SymbolVersion and Import write equals and hashCode out (a record's own bind through method
 * handles on first use): they must still be a record's, field by field, null fields included.
 */
class SymbolValuesTest {

    @Property(tries = 500)
    void symbolVersionsAreEqualExactlyWhenEveryFieldIs(@ForAll("names") String n1, @ForAll("names") String n2,
                                                       @ForAll("crcs") long c1, @ForAll("crcs") long c2) {
        SymbolVersion a = new SymbolVersion(n1, c1);
        SymbolVersion b = new SymbolVersion(n2, c2);
        boolean same = Objects.equals(n1, n2) && c1 == c2;
        assertThat(a.equals(b)).isEqualTo(same);
        if (same) {
            assertThat(a.hashCode()).isEqualTo(b.hashCode());
        }
        assertThat(a).isEqualTo(new SymbolVersion(n1, c1)).isNotEqualTo(null).isNotEqualTo(n1);
    }

    @Property(tries = 500)
    void importsAreEqualExactlyWhenEveryFieldIs(@ForAll("names") String n1, @ForAll("names") String n2,
                                                @ForAll boolean w1, @ForAll boolean w2,
                                                @ForAll("optionalCrcs") OptionalLong c1,
                                                @ForAll("optionalCrcs") OptionalLong c2) {
        Import a = new Import(n1, w1, c1);
        Import b = new Import(n2, w2, c2);
        boolean same = Objects.equals(n1, n2) && w1 == w2 && Objects.equals(c1, c2);
        assertThat(a.equals(b)).isEqualTo(same);
        if (same) {
            assertThat(a.hashCode()).isEqualTo(b.hashCode());
        }
        assertThat(a).isEqualTo(new Import(n1, w1, c1)).isNotEqualTo(null);
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.of("printk", "kfree", "", "__crc_x").injectNull(0.1);
    }

    @Provide
    Arbitrary<Long> crcs() {
        return Arbitraries.of(0L, 1L, 0xFFFF_FFFFL, -1L);
    }

    @Provide
    Arbitrary<OptionalLong> optionalCrcs() {
        return Arbitraries.of(OptionalLong.empty(), OptionalLong.of(0), OptionalLong.of(7)).injectNull(0.1);
    }
}
