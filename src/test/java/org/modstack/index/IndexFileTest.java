package org.modstack.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modstack.Fixtures;

/** Reads indexes that kmod 30's depmod wrote over our sample modules. */
class IndexFileTest {

    @Test
    void depIndexGivesTheModulesDepLine() throws Exception {
        IndexFile dep = IndexFile.open(Fixtures.resource("index/modules.dep.bin"));
        assertThat(dep.search("chain_c")).contains("extra/chain_c.ko: extra/chain_b.ko extra/chain_a.ko");
        assertThat(dep.search("chain")).isEmpty();
        assertThat(dep.search("chain_cc")).isEmpty();
    }

    @Test
    void wildcardAliasMatchesAConcreteDeviceId() throws Exception {
        IndexFile alias = IndexFile.open(Fixtures.resource("index/modules.alias.bin"));
        assertThat(alias.searchWild("pci:v00001234d0000ABCDsv00000001sd00000002bc03sc00i00"))
                .extracting(IndexValue::value).containsExactly("stack_alias");
        assertThat(alias.searchWild("stack_alias_demo")).extracting(IndexValue::value).containsExactly("stack_alias");
        assertThat(alias.searchWild("pci:v00009999d0000ABCDsv0sd0bc0sc0i0")).isEmpty();
    }

    @Test
    void symbolIndexNamesTheExporter() throws Exception {
        IndexFile symbols = IndexFile.open(Fixtures.resource("index/modules.symbols.bin"));
        assertThat(symbols.searchWild("symbol:stack_get_skey")).extracting(IndexValue::value)
                .containsExactly("stack_core");
    }

    @Test
    void garbageIsRejectedWithoutACrash(@TempDir Path dir) throws Exception {
        Path bad = Files.write(dir.resolve("modules.dep.bin"), "garbage, not an index".getBytes());
        assertThatThrownBy(() -> IndexFile.open(bad)).isInstanceOf(IndexFormatException.class);
        byte[] header = {(byte) 0xB0, 0x07, (byte) 0xF4, 0x57, 0, 2, 0, 1, (byte) 0x80, 0, 0, 100};
        IndexFile truncated = IndexFile.read(ByteBuffer.wrap(header));
        assertThatThrownBy(() -> truncated.search("x")).isInstanceOf(IndexFormatException.class);
    }
}
