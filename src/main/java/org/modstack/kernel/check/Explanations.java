package org.modstack.kernel.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.modstack.ErrnoException;
import org.modstack.kernel.KernelSymbol;
import org.modstack.kernel.LoadedModule;
import org.modstack.kernel.Taint;
import org.modstack.kernel.VirtualKernel;
import org.modstack.module.SymbolVersion;

/**
 * Turns a refused load into findings: the kernel's own log lines say what it refused, this adds
 * who exports the symbol, both CRCs, both vermagics, and what to change. A line the loader
 * prints for every refusal kind is matched here; an errno with no such line is explained by it.
 */
final class Explanations {
    private static final Pattern UNKNOWN = Pattern.compile(": Unknown symbol (\\S+) \\(err -(\\d+)\\)$");
    private static final Pattern NAMESPACE =
            Pattern.compile(": module uses symbol \\((\\S+)\\) from namespace (\\S+), but does not import it\\.$");
    private static final Pattern CRC = Pattern.compile(": disagrees about version of symbol (\\S+)$");
    private static final Pattern NO_VERSION = Pattern.compile(": no symbol version for (\\S+)$");
    private static final Pattern VERMAGIC = Pattern.compile(": version magic '(.*)' should be '(.*)'$");
    private static final Pattern DUPLICATE = Pattern.compile(": exports duplicate symbol (\\S+) \\(owned by (\\S+)\\)$");
    private static final Pattern GPL_USER =
            Pattern.compile(": module using GPL-only symbols uses symbols (\\S+) from proprietary module (\\S+)\\.$");
    private static final Pattern BLACKLISTED = Pattern.compile("^Module (\\S+) is blacklisted$");
    private static final Pattern ELF = Pattern.compile("^(Invalid ELF .*|Invalid architecture .*|.*: module has no symbols \\(stripped\\?\\)|.*: No module found in object)$");
    private static final Pattern PARAM = Pattern.compile("(invalid for parameter|unknown parameter|too large for parameter|can only take)");

    private final StackModule module;
    private final VirtualKernel vk;
    private final CheckKernel kernel;

    Explanations(StackModule module, VirtualKernel vk, CheckKernel kernel) {
        this.module = module;
        this.vk = vk;
        this.kernel = kernel;
    }

    /** The findings for a load that failed with {@code failure} after logging {@code log}. */
    List<Finding> of(List<String> log, ErrnoException failure) {
        List<Finding> out = new ArrayList<>();
        Set<String> explained = new java.util.HashSet<>();
        for (String line : log) {
            // the kernel's closing "Unknown symbol S" after its own reason for S adds nothing
            line(line).filter(f -> f.symbol().isEmpty() || explained.add(f.symbol())).ifPresent(out::add);
        }
        if (out.isEmpty()) {
            out.add(fromErrno(failure));
        }
        return List.copyOf(out);
    }

    private Optional<Finding> line(String line) {
        Matcher m;
        if ((m = UNKNOWN.matcher(line)).find()) {
            return m.group(2).equals("2") ? Optional.of(unknownSymbol(m.group(1))) : Optional.empty();
        } else if ((m = NAMESPACE.matcher(line)).find()) {
            return Optional.of(new Finding(Finding.Kind.MISSING_NAMESPACE_IMPORT, m.group(1), m.group(1)
                    + " is exported in namespace " + m.group(2) + ", which the module does not import",
                    "add MODULE_IMPORT_NS(" + m.group(2) + "); to the module's source"));
        } else if ((m = CRC.matcher(line)).find()) {
            return Optional.of(crcMismatch(m.group(1)));
        } else if ((m = NO_VERSION.matcher(line)).find()) {
            return Optional.of(new Finding(Finding.Kind.NO_SYMBOL_VERSION, m.group(1), "the module's __versions has no"
                    + " CRC for " + m.group(1) + ", which this kernel checks (CONFIG_MODVERSIONS)",
                    "rebuild the module with modpost reading " + kernel.name() + "'s Module.symvers"));
        } else if ((m = VERMAGIC.matcher(line)).find()) {
            return Optional.of(new Finding(Finding.Kind.VERMAGIC_MISMATCH, "", "the module was built for '"
                    + m.group(1) + "', the kernel is '" + m.group(2) + "'", "rebuild the module against "
                    + kernel.name() + "'s headers (linux-headers-" + kernel.name() + ")"));
        }
        return secondaryLine(line);
    }

    private Optional<Finding> secondaryLine(String line) {
        Matcher m;
        if ((m = DUPLICATE.matcher(line)).find()) {
            return Optional.of(new Finding(Finding.Kind.DUPLICATE_EXPORT, m.group(1), m.group(1)
                    + " is already exported by " + m.group(2), "rename or stop exporting " + m.group(1)
                    + ", or do not load the module together with " + m.group(2)));
        } else if ((m = GPL_USER.matcher(line)).find()) {
            return Optional.of(new Finding(Finding.Kind.GPL_USER_OF_PROPRIETARY, m.group(1), "the module uses GPL-only"
                    + " symbols and also " + m.group(1) + " of proprietary module " + m.group(2),
                    "stop using " + m.group(1) + ", or give " + m.group(2) + " a GPL-compatible licence"));
        } else if ((m = BLACKLISTED.matcher(line)).find()) {
            return Optional.of(new Finding(Finding.Kind.BLACKLISTED, "", "the kernel command line's module_blacklist="
                    + " lists " + m.group(1), "remove " + m.group(1) + " from module_blacklist="));
        } else if (ELF.matcher(line).find()) {
            return Optional.of(new Finding(Finding.Kind.BAD_ELF, "", "the file is not a loadable module for this "
                    + "kernel: " + line, "rebuild the module for " + kernel.name() + " (x86_64), and check that the"
                    + " file is complete"));
        } else if (PARAM.matcher(line).find()) {
            return Optional.of(new Finding(Finding.Kind.BAD_PARAMETER, "", "a parameter value the kernel command line"
                    + " gives it is refused: " + line, "give the parameter a value its type accepts ("
                    + module.name() + ".PARAM=VALUE on the command line)"));
        } else if (line.endsWith(": please compile with -fno-common")) {
            return Optional.of(new Finding(Finding.Kind.COMMON_SYMBOL, "", "the module has common symbols",
                    "compile with -fno-common"));
        } else if (line.endsWith(": module is already loaded")) {
            return Optional.of(new Finding(Finding.Kind.ALREADY_LOADED, "", module.name() + " is built into "
                    + kernel.name(), "rename the module, or use the built-in one"));
        }
        return Optional.empty();
    }

    /** err -2: nothing exports it that this module may use: a GPL-only export, or none at all. */
    private Finding unknownSymbol(String symbol) {
        Optional<String> gplExporter = exporter(symbol).filter(e -> e.symbol().gplOnly()).map(Exporter::name);
        if (gplExporter.isPresent()) {
            String license = module.module() == null ? "" : module.module().license().orElse("unspecified");
            return new Finding(Finding.Kind.GPL_ONLY_SYMBOL, symbol, symbol + " is exported GPL-only (by "
                    + gplExporter.get() + ") and the module's licence '" + license + "' is not GPL-compatible",
                    "declare a GPL-compatible MODULE_LICENSE, or stop using " + symbol);
        }
        List<String> missing = missingDependencies();
        return new Finding(Finding.Kind.UNKNOWN_SYMBOL, symbol, "nothing on " + kernel.name() + " exports " + symbol
                + " (neither vmlinux, nor an in-tree module, nor a module of the stack)"
                + (missing.isEmpty() ? "" : "; the module was built with " + String.join(", ", missing)
                        + " (its depends=), which is neither in the stack nor in " + kernel.name()),
                missing.isEmpty() ? "build against " + kernel.name() + "'s headers, or add the module that exports "
                        + symbol + " to the stack" : "add " + String.join(", ", missing) + " to the stack");
    }

    /** The modules the module's {@code depends=} names that are neither loaded nor in-tree. */
    private List<String> missingDependencies() {
        if (module.module() == null) {
            return List.of();
        }
        return module.module().depends().stream().map(org.modstack.module.ModuleName::normalize)
                .filter(d -> vk.state().module(d).isEmpty() && kernel.inTree().module(d).isEmpty()).toList();
    }

    private Finding crcMismatch(String symbol) {
        String theirs = exporter(symbol).flatMap(e -> e.symbol().crc().isPresent()
                ? Optional.of(hex(e.symbol().crc().getAsLong())) : Optional.empty()).orElse("?");
        String ours = module.module() == null ? "?" : module.module().versions().stream()
                .filter(v -> v.name().equals(symbol)).map(SymbolVersion::crc).findFirst().map(Explanations::hex)
                .orElse("?");
        return new Finding(Finding.Kind.CRC_MISMATCH, symbol, "the module was built against other headers: its CRC"
                + " for " + symbol + " is " + ours + ", the kernel's is " + theirs,
                "rebuild the module against " + kernel.name() + "'s headers (linux-headers-" + kernel.name() + ")");
    }

    private static String hex(long crc) {
        return String.format("0x%08x", crc & 0xffffffffL);
    }

    private record Exporter(String name, KernelSymbol symbol) {
    }

    /** Who exports {@code symbol} on this kernel now: vmlinux, else the newest loaded module. */
    private Optional<Exporter> exporter(String symbol) {
        KernelSymbol k = kernel.description().exports().get(symbol);
        if (k != null) {
            return Optional.of(new Exporter("vmlinux", k));
        }
        for (LoadedModule m : vk.state().modules()) {
            for (KernelSymbol e : m.exports()) {
                if (e.name().equals(symbol)) {
                    return Optional.of(new Exporter(m.name(), e));
                }
            }
        }
        return Optional.empty();
    }

    private Finding fromErrno(ErrnoException failure) {
        return switch (failure.errno()) {
            case EEXIST -> new Finding(Finding.Kind.ALREADY_LOADED, "", "a module named " + module.name()
                    + " is already loaded", "rename the module, or do not load it twice");
            case EKEYREJECTED -> new Finding(Finding.Kind.SIGNATURE_REJECTED, "", "the kernel only loads modules"
                    + " signed with a key it trusts (CONFIG_MODULE_SIG_FORCE)", "sign the module with a trusted key");
            case ENOEXEC -> new Finding(Finding.Kind.BAD_ELF, "", "the file is not a loadable module for this kernel",
                    "rebuild the module for " + kernel.name());
            default -> new Finding(Finding.Kind.OTHER, "", "the kernel refused it: " + failure.errno().message(),
                    "see the kernel log lines");
        };
    }

    /** A stack module refused because one it imports {@code symbol} from was refused. */
    static Finding dependencyRefused(String symbol, String dependency, String kernel) {
        return new Finding(Finding.Kind.DEPENDENCY_REFUSED, symbol, "needs " + symbol + " from " + dependency
                + ", which " + kernel + " refused", "fix " + dependency + " first");
    }

    /** Why a module carries each of its taint letters, in letter order. */
    static List<String> taintReasons(Set<Taint> taints, StackModule m) {
        List<String> out = new ArrayList<>();
        for (Taint t : Taint.values()) {
            if (taints.contains(t) && !Taint.moduleLetters(Set.of(t)).isEmpty()) {
                out.add(Taint.moduleLetters(Set.of(t)) + ": " + reason(t, m));
            }
        }
        return List.copyOf(out);
    }

    private static String reason(Taint t, StackModule m) {
        return switch (t) {
            case PROPRIETARY_MODULE -> "licence '" + (m.module() == null ? "" : m.module().license().orElse("unspecified"))
                    + "' is not GPL-compatible, or it uses a proprietary module's symbols";
            case FORCED_MODULE -> "loaded by force: no symbol versions or no vermagic";
            case CRAP -> "built from drivers/staging";
            case OOT_MODULE -> "out-of-tree: built outside the kernel tree (no intree=Y)";
            case UNSIGNED_MODULE -> "not signed with a key the kernel trusts";
            case TEST -> "a test module (test=Y)";
            default -> t.name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
