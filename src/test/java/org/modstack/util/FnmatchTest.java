package org.modstack.util;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FnmatchTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "pci:v*d*sv*|pci:v0001d0002sv0003|true",
        "usb:v1234p*|usb:v1234p5678d0100|true",
        "a?c|abc|true",
        "a?c|ac|false",
        "[abc]x|bx|true",
        "[!abc]x|bx|false",
        "[a-f]1|e1|true",
        "[[:digit:]]z|7z|true",
        "a[|a[|true",
        "*/x|dir/x|true",
        "a\\*|a*|true",
        "a\\*|ab|false",
        "*|''|true",
        "*a*a*a*a*a*a*a*a*a*a*a*a*b|aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa|false",
        "pci:v*d*sv*sd*bc04sc03i00*|pci:v00008086d0000A0C8sv000017AAsd0000224Bbc04sc03i00|true",
    })
    void matchesLikeGlibc(String pattern, String string, boolean expected) {
        String s = string.equals("''") ? "" : string;
        assertThat(Fnmatch.matches(pattern, s)).isEqualTo(expected);
    }
}
