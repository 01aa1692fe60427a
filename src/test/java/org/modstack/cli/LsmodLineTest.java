package org.modstack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.NumericChars;
import net.jqwik.api.constraints.StringLength;

/** lsmod's line, padded by hand, is the line its printf format gives. */
class LsmodLineTest {

    @Property
    void lsmodLineIsItsPrintfFormat(@ForAll @AlphaChars @NumericChars @StringLength(min = 1, max = 40) String name,
                                    @ForAll long size, @ForAll int refcnt) {
        assertThat(LsmodTool.line(name, size, refcnt))
                .isEqualTo(String.format("%-19s %8d  %d", name, size, refcnt));
    }
}
