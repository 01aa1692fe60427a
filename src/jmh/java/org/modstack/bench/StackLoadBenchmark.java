package org.modstack.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.modstack.kernel.BootState;
import org.modstack.kernel.KernelDescription;
import org.modstack.kernel.VirtualKernel;
import org.modstack.modprobe.Modprobe;
import org.modstack.modprobe.ModprobeConfig;
import org.modstack.modprobe.ModuleDirectory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A 50-module stack loaded into a freshly booted virtual kernel, in process, as {@code modprobe}
 * loads it: three names of Debian's 6.1 tree whose dependencies make 50 modules (with their soft dependencies, as modprobe reads modules.softdep: the Tiger Lake
 * SOF audio driver, 26 with its dependencies; the cx23885 TV card, 21; the NFS client), each file read,
 * checked and linked by the kernel's rules (vermagic, signature, modversions, symbols). The
 * kernel's description (its exports, vermagic, keys) is read once, as a boot reads it; the load
 * state and modprobe's module pool are new at each run. Goal: ≤ 200 ms.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class StackLoadBenchmark {
    private static final List<String> TARGETS = List.of("snd-sof-pci-intel-tgl", "cx23885", "nfs");
    private static final int STACK = 50;
    private static final Modprobe.Flags LOAD = new Modprobe.Flags(false, false, false, false, false, false, false);

    /** The root holding the tree ({@code lib/modules/<release>}, {@code boot/}); bench/jmh passes the 6.1 tree's. */
    @Param("")
    public String root;

    private KernelDescription kernel;
    private ModuleDirectory dir;
    private ModprobeConfig config;

    @Setup
    public void boot() throws Exception {
        kernel = KernelDescription.fromTree(Path.of(root), null, "");
        dir = kernel.moduleDirectory().asModprobeReadsIt(line -> { });
        config = ModprobeConfig.load(List.of("/nonexistent"), Optional.of(dir.dirname()), Optional.of(""), line -> { });
        int loaded = loadStack().state().modules().size();
        if (loaded != STACK) {
            throw new IllegalStateException(root + ": the stack loaded " + loaded + " modules, expected " + STACK);
        }
    }

    @Benchmark
    public VirtualKernel loadStack() throws Exception {
        VirtualKernel vk = new VirtualKernel(kernel, BootState.boot());
        Modprobe modprobe = new Modprobe(dir, config, vk.asKernelState(line -> { }));
        for (String name : TARGETS) {
            for (Modprobe.Mod m : modprobe.lookup(name)) {
                modprobe.probe(m, LOAD, null, action -> { });
            }
        }
        return vk;
    }
}
