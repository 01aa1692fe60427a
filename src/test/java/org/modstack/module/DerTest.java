package org.modstack.module;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * BER as X.690 lays it out, read as OpenSSL's template decoder reads it: headers as their
 * container is read, contents when a reader descends, a type's rules when a value is read as
 * that type, and a constructed string's segments collected whatever their tags.
 */
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
    void readsTheFirstValueAndNothingAfterIt() throws Exception {
        assertThat(read("3003" + "020101" + "ffff").end()).isEqualTo(5);
    }

    /** BER lets a long-form length start with zero octets; OpenSSL skips them, then allows eight. */
    @Test
    void longFormLengthsMayStartWithZeros() throws Exception {
        assertThat(read("0489" + "0000000000000000" + "03" + "616263").octets()).containsExactly('a', 'b', 'c');
        assertRefused("0489" + "010000000000000000");
    }

    @Test
    void oidsReadInDottedDecimal() throws Exception {
        assertThat(read("06096086480165030402" + "01").oid()).isEqualTo("2.16.840.1.101.3.4.2.1");
        assertThat(read("0603550403").oid()).isEqualTo("2.5.4.3");
    }

    @Test
    void refusesLengthsPastTheirContainer() {
        assertRefused("3004" + "020201");
        assertRefused("0201");
        assertRefused("0284ffffffff00");
        assertRefused("3080" + "0500");  // no end-of-contents
    }

    @Test
    void integersWithRedundantLeadingOctetsAreNoIntegers() throws Exception {
        assertNoValue("0200");
        assertNoValue("0202007f");
        assertNoValue("0202ff80");
        assertThat(read("02020080").expect(Der.INTEGER).contents()).containsExactly(0, 0x80);
    }

    @Test
    void paddedOrUnendedOidArcsAreNoOids() {
        assertNoValue("06028001");
        assertNoValue("06025581");
        assertNoValue("0600");
    }

    @Test
    void typesInTheWrongFormAreNoValues() {
        assertNoValue("2203020101");  // a constructed INTEGER
        assertNoValue("0101");         // a BOOLEAN of no octet
        assertNoValue("050100");       // a NULL with contents
        assertNoValue("030108");       // a BIT STRING of no octet with unused bits
        assertNoValue("1000");         // a primitive SEQUENCE
        assertRefused("0480" + "0000");  // an indefinite length on a primitive
    }

    /** OpenSSL reads a SEQUENCE OF or SET OF whatever its constructed bit; a SEQUENCE type must be constructed. */
    @Test
    void aPrimitiveSequenceIsASequenceOfButNoSequence() throws Exception {
        Der.Element primitive = read("1003" + "020101");
        assertThat(primitive.elementsOf(Der.SEQUENCE)).hasSize(1);
        assertThatThrownBy(() -> primitive.expect(Der.SEQUENCE)).isInstanceOf(Der.MalformedException.class);
        assertThatThrownBy(() -> read("1002" + "0201").elementsOf(Der.SEQUENCE))
                .isInstanceOf(Der.MalformedException.class);
        assertThat(read("8003" + "020101").children()).hasSize(1);
    }

    @Test
    void endOfContentsOutsideAnIndefiniteLengthIsNoElement() {
        assertThatThrownBy(() -> read("3002" + "0000").children()).isInstanceOf(Der.MalformedException.class);
    }

    /**
     * A value read as ANY that is a SEQUENCE or of no universal class stays opaque: OpenSSL
     * keeps its encoding and never reads inside, so what is inside may be anything.
     */
    @Test
    void anOpaqueValueIsNotReadInside() throws Exception {
        read("a103" + "ffffff").any();
        read("3004" + "02020001").any();
        assertThat(read("3080" + "a103ffffff" + "0000").any().end()).isEqualTo(9);
    }

    /** Finding where an indefinite length ends reads headers, not contents, and nests without a stack. */
    @Test
    void findsTheEndOfDeepIndefiniteNesting() throws Exception {
        int depth = 100_000;
        Der.Element e = read("a080".repeat(depth) + "0500" + "0000".repeat(depth));
        assertThat(e.to()).isEqualTo(4 * depth);
    }

    /** A walk over a whole value (a certificate) reads everything in it, as deep as OpenSSL would. */
    @Test
    void aWalkReadsEveryValueThirtyLevelsDeep() throws Exception {
        read("3080".repeat(30) + "0500" + "0000".repeat(30)).walk();
        assertThatThrownBy(() -> read("3080".repeat(32) + "0500" + "0000".repeat(32)).walk())
                .isInstanceOf(Der.MalformedException.class);
        assertThatThrownBy(() -> read("3003" + "0200" + "00").walk()).isInstanceOf(Der.MalformedException.class);
    }

    /** X.690 says a constructed string's segments are of its type; OpenSSL takes any tag and class. */
    @Test
    void aConstructedStringCollectsSegmentsOfAnyTag() throws Exception {
        assertThat(read("2480" + "04026162" + "8c0163" + "2403" + "020164" + "0000").octets())
                .containsExactly('a', 'b', 'c', 'd');
        assertThat(read("2c08" + "0c02c3a9" + "1002" + "2000").string()).containsExactly(0xc3, 0xa9, 0x20, 0x00);
    }

    @Test
    void constructedSegmentsNestFiveDeep() throws Exception {
        assertThat(read(nestedString(5)).octets()).containsExactly('a');
        assertNoValue(nestedString(6));
    }

    /** The rules of a string type apply to the collected octets, not to each segment. */
    @Test
    void aTypesRulesApplyToTheCollectedString() throws Exception {
        read("3e06" + "1e0100" + "1e0141").any();      // a BMPString of two odd segments
        assertNoValue("3e05" + "1e0100" + "1e0041");    // three octets in all
        read("2306" + "030106" + "0401c0").any();      // six unused bits, in the first segment
        assertNoValue("2306" + "030108" + "0401c0");    // eight
    }

    /** {@code depth} constructed OCTET STRINGs, each the only segment of the one outside it, around "a". */
    private static String nestedString(int depth) {
        return "2480".repeat(depth + 1) + "040161" + "0000".repeat(depth + 1);
    }

    private static Der.Element read(String hex) throws Der.MalformedException {
        return Der.read(HexFormat.of().parseHex(hex));
    }

    private static void assertRefused(String hex) {
        assertThatThrownBy(() -> read(hex)).as(hex).isInstanceOf(Der.MalformedException.class);
    }

    /** Read, but not a value of its type: refused when read as an ANY. */
    private static void assertNoValue(String hex) {
        assertThatThrownBy(() -> read(hex).any()).as(hex).isInstanceOf(Der.MalformedException.class);
    }
}
