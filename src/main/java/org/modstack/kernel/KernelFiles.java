package org.modstack.kernel;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The files through which a kernel shows its modules: {@code /proc/modules},
 * {@code /proc/sys/kernel/tainted}, {@code /proc/cmdline} and {@code /sys/module/<m>/}.
 */
public final class KernelFiles {
    /**
     * The order kernfs lists a directory in: by name hash, then by name. A class of ours, not
     * {@code Comparator.comparingLong(...).thenComparing(...)} nor a lambda: lsmod and rmmod link
     * no lambda (see {@code SmallCommandsTest}).
     */
    private static final Comparator<String> KERNFS_ORDER = new KernfsOrder();

    private final VirtualKernel kernel;

    public KernelFiles(VirtualKernel kernel) {
        this.kernel = kernel;
    }

    /** The content of file {@code path}, if the kernel has it. */
    public Optional<String> read(String path) {
        BootState s = kernel.state();
        switch (path) {
            case "/proc/modules":
                return Optional.of(procModules());
            case "/proc/sys/kernel/tainted":
                return Optional.of(Long.toUnsignedString(s.taint()) + "\n");
            case "/proc/cmdline":
                return Optional.of(kernel.description().cmdline() + "\n");
            default:
                break;
        }
        String[] p = sysModulePath(path);
        if (p == null || p.length < 2) {
            return Optional.empty();
        }
        Optional<LoadedModule> found = s.module(p[0]);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        LoadedModule m = found.get();
        if (p.length == 3 && p[1].equals("parameters")) {
            return m.parameters().stream().filter(x -> x.perm() != 0 && x.name().equals(p[2]))
                    .map(LoadedModule.Parameter::value).findFirst();
        }
        return switch (p.length == 2 ? p[1] : "") {
            case "refcnt" -> Optional.of(m.refcnt() + "\n");
            case "initstate" -> Optional.of(m.state().initstate() + "\n");
            case "taint" -> Optional.of(Taint.moduleLetters(m.taints()) + "\n");
            case "coresize" -> Optional.of(m.size() + "\n");
            case "initsize" -> Optional.of("0\n");
            default -> Optional.empty();
        };
    }

    /** The entries of directory {@code path} in the kernel's (kernfs) order, if it exists. */
    public Optional<List<String>> list(String path) {
        String[] p = sysModulePath(path);
        if (p == null) {
            return Optional.empty();
        }
        if (p.length == 1 && p[0].isEmpty()) {
            return Optional.of(sysModule());
        }
        Optional<LoadedModule> m = kernel.state().module(p[0]);
        if (m.isEmpty() || p.length > 2) {
            return Optional.empty();
        }
        List<String> names = new ArrayList<>();
        if (p.length == 1) {
            names.addAll(m.get().sysfsFiles());
        } else if (p[1].equals("holders")) {
            names.addAll(m.get().holders());
        } else if (p[1].equals("parameters")) {
            for (LoadedModule.Parameter x : m.get().parameters()) {
                if (x.perm() != 0) {
                    names.add(x.name());
                }
            }
            if (names.isEmpty()) {
                return Optional.empty();
            }
        } else {
            return Optional.empty();
        }
        names.sort(KERNFS_ORDER);
        return Optional.of(names);
    }

    /**
     * {@code /sys/module}: the loaded modules and the built-in ones with a directory. A built-in
     * entry is named after its module here; the kernel names some after a parameter prefix
     * instead ({@code rcupdate}, not {@code update}), which only vmlinux's {@code __param} tells.
     */
    private List<String> sysModule() {
        TreeSet<String> names = new TreeSet<>(kernel.description().builtinsWithSysfs());
        kernel.state().modules().forEach(m -> names.add(m.name()));
        List<String> sorted = new ArrayList<>(names);
        sorted.sort(KERNFS_ORDER);
        return sorted;
    }

    /** The mode of a parameter's sysfs file, if it has one. */
    public Optional<Integer> parameterMode(String module, String parameter) {
        return kernel.state().module(module).flatMap(m -> m.parameters().stream()
                .filter(x -> x.perm() != 0 && x.name().equals(parameter)).map(LoadedModule.Parameter::perm).findFirst());
    }

    /** {@code /proc/modules}: one line per module, newest first. */
    public String procModules() {
        StringBuilder sb = new StringBuilder();
        for (LoadedModule m : kernel.state().modules()) {
            sb.append(m.name()).append(' ').append(m.size()).append(' ').append(m.refcnt()).append(' ');
            m.holders().forEach(h -> sb.append(h).append(','));
            if (m.permanent()) {
                sb.append("[permanent],");
            }
            if (m.holders().isEmpty() && !m.permanent()) {
                sb.append('-');
            }
            sb.append(' ').append(m.state().word()).append(String.format(" 0x%016x", m.address()));
            String taints = Taint.moduleLetters(m.taints());
            if (!taints.isEmpty()) {
                sb.append(" (").append(taints).append(')');
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** {@code /sys/module/<m>/<rest>} split after the prefix, or null. */
    private static String[] sysModulePath(String path) {
        String prefix = "/sys/module/";
        if (!(path + "/").startsWith(prefix)) {
            return null;
        }
        if (path.length() < prefix.length()) {
            return new String[] {""};
        }
        String rest = path.substring(prefix.length());
        while (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        return rest.split("/");
    }

    private static final class KernfsOrder implements Comparator<String> {
        @Override
        public int compare(String a, String b) {
            int byHash = Long.compare(kernfsHash(a), kernfsHash(b));
            return byHash != 0 ? byHash : a.compareTo(b);
        }
    }

    /** kernfs_name_hash (no namespace): the key kernfs sorts a directory's entries by. */
    static long kernfsHash(String name) {
        long hash = 0;
        for (int i = 0; i < name.length(); i++) {
            long c = name.charAt(i) & 0xff;
            hash = (hash + (c << 4) + (c >>> 4)) * 11;
        }
        long h = ((hash * 0x61C8864680B583EBL) >>> 32) & 0x7fffffffL;
        if (h < 2) {
            h += 2;
        }
        if (h >= Integer.MAX_VALUE) {
            h = Integer.MAX_VALUE - 1L;
        }
        return h;
    }
}
