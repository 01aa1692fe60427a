package org.modstack.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.modstack.index.IndexFile;
import org.modstack.index.IndexFormatException;
import org.modstack.index.IndexValue;
import org.modstack.module.ModuleName;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One {@code modules.alias.bin} lookup as modprobe makes it ({@code index_searchwild}: the stored
 * keys read as patterns), on a real index: the kernel tree's, mapped once. The keys are what
 * udev hands modprobe on a real machine (PCI, USB, HID, input, ACPI, virtio modaliases, the
 * kernel's own request_module names) and one that matches nothing; each must find what kmod 30's
 * modprobe --resolve-alias finds on Debian's 6.1 tree. Goal: ≤ 2 µs a lookup.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class IndexLookupBenchmark {
    /** Keys as udev or the kernel give them; all but the last have a module on Debian's 6.1 tree. */
    private static final List<String> KEYS = List.of(
            "pci:v00008086d0000A0C8sv000017AAsd0000224Bbc04sc03i00",
            "pci:v000010ECd00008168sv00001043sd00008677bc02sc00i00",
            "usb:v046DpC52Bd1211dc00dsc00dp00ic03isc01ip01in00",
            "usb:v0BDAp8153d3000dc00dsc00dp00icFFisc00ip00in00",
            "hid:b0003g0001v0000046Dp0000C52B",
            "input:b0003v046DpC52Be0111-e0,1,2,4,k71,72,73,ramlsfw",
            "acpi:PNP0C14:",
            "virtio:d00000001v00001AF4",
            "fs-vfat",
            "char-major-10-229",
            "net-pf-16-proto-16-family-wireguard",
            "pci:v0000DEADd0000BEEFsv00000000sd00000000bc00sc00i00");
    private static final int LOOKUPS = 12;

    /** The module directory, {@code <root>/lib/modules/<release>} (bench/jmh passes the 6.1 tree's). */
    @Param("")
    public String modules;

    private IndexFile index;
    private List<String> keys;

    @Setup
    public void open() throws Exception {
        index = IndexFile.open(Path.of(modules, "modules.alias.bin"));
        keys = new ArrayList<>();
        for (String key : KEYS) {
            keys.add(ModuleName.normalizeAlias(key));  // as modprobe looks it up
        }
        List<String> missing = keys.stream().filter(key -> searchWild(key).isEmpty()).toList();
        if (!missing.equals(List.of(keys.get(LOOKUPS - 1))) || keys.size() != LOOKUPS) {
            throw new IllegalStateException(modules + ": no module for " + missing + ", expected one only for the last key");
        }
    }

    private List<IndexValue> searchWild(String key) {
        try {
            return index.searchWild(key);
        } catch (IndexFormatException e) {
            throw new IllegalStateException(e);
        }
    }

    @Benchmark
    @OperationsPerInvocation(LOOKUPS)
    public void aliasLookup(Blackhole out) throws Exception {
        for (String key : keys) {
            List<IndexValue> values = index.searchWild(key);
            out.consume(values);
        }
    }
}
