package org.modstack.module;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** BER as X.690 lays it out, and the universal primitives' rules OpenSSL's decoder applies. */
class DerTest {

    @Test
    void readsNestedDefiniteAndIndefiniteLengths() throws Exception {
        Der.Element seq = read("3080" + "020105" + "a002" + "0500" + "0000");
        assertThat(seq.is(Der.UNIVERSAL, Der.SEQUENCE)).isTrue();
        assertThat(seq.children()).hasSize(2);
        assertThat(seq.child(0).contents()).containsExactly(5);
        assertThat(seq.child(1).is(Der.CONTEXT, 0)).isTrue();
    }

    @Test
    void readsLongFormLengthsAndHighTagNumbers() throws Exception {
        Der.Element e = read("9f8101" + "8103" + "616263");
        assertThat(e.is(Der.CONTEXT, 129)).isTrue();
        assertThat(e.contents()).containsExactly('a', 'b', 'c');
    }

    @Test
    void oidsReadInDottedDecimal() throws Exception {
        assertThat(read("06096086480165030402" + "01").oid()).isEqualTo("2.16.840.1.101.3.4.2.1");
        assertThat(read("0603550403").oid()).isEqualTo("2.5.4.3");
    }

    @Test
    void refusesLengthsPastTheirContainerAndBytesAfterTheValue() {
        assertRefused("3003" + "020101" + "00");
        assertRefused("3004" + "020201");
        assertRefused("0201");
        assertRefused("0284ffffffff00");
    }

    @Test
    void refusesIntegersWithRedundantLeadingOctets() throws Exception {
        assertRefused("0200");
        assertRefused("0202007f");
        assertRefused("0202ff80");
        assertThat(read("02020080").contents()).containsExactly(0, 0x80);
    }

    @Test
    void refusesPaddedOrUnendedOidArcs() {
        assertRefused("06028001");
        assertRefused("06025581");
        assertRefused("0600");
    }

    @Test
    void refusesTypesInTheWrongForm() {
        assertRefused("2203020101");  // a constructed INTEGER
        assertRefused("0480" + "0000");  // an indefinite length on a primitive
        assertRefused("0101");         // a BOOLEAN of no octet
        assertRefused("050100");       // a NULL with contents
        assertRefused("030108");       // a BIT STRING of no octet with unused bits
    }

    /** OpenSSL reads a SEQUENCE OF or SET OF whatever its constructed bit; a SEQUENCE type must be constructed. */
    @Test
    void aPrimitiveSequenceIsASequenceOfButNoSequence() throws Exception {
        Der.Element primitive = read("1003" + "020101");
        assertThat(primitive.elementsOf(Der.SEQUENCE)).hasSize(1);
        assertThatThrownBy(() -> primitive.expect(Der.SEQUENCE)).isInstanceOf(Der.MalformedException.class);
        assertRefused("1002" + "0201");
        assertThat(Der.within(read("8003" + "020101"))).hasSize(1);
    }

    @Test
    void refusesEndOfContentsOutsideAnIndefiniteLength() {
        assertRefused("3002" + "0000");
    }

    @Test
    void refusesNestingPastSixtyFourLevels() throws Exception {
        assertThat(read(nested(63)).children()).hasSize(1);
        assertRefused(nested(64));
    }

    /** {@code depth} SEQUENCEs of indefinite length, each in the next, around a NULL. */
    private static String nested(int depth) {
        return "3080".repeat(depth) + "0500" + "0000".repeat(depth);
    }

    private static Der.Element read(String hex) throws Der.MalformedException {
        return Der.read(HexFormat.of().parseHex(hex));
    }

    private static void assertRefused(String hex) {
        assertThatThrownBy(() -> read(hex)).as(hex).isInstanceOf(Der.MalformedException.class);
    }
}
