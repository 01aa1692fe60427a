package org.modstack.modprobe;


import java.util.AbstractMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/** modprobe.d (with modules.softdep and the kernel command line) as the planner asks for it. */
public final class ModprobeRules implements Modprobe.Config {
    private final ModprobeConfig config;
    private final List<Map.Entry<String, String>> aliases;

    private ModprobeRules(ModprobeConfig config) {
        this.config = config;
        this.aliases = config.aliases().stream()
                .<Map.Entry<String, String>>map(a -> new AbstractMap.SimpleImmutableEntry<>(a.pattern(), a.module()))
                .toList();
    }

    /** The rules of a configuration already read. */
    public static ModprobeRules of(ModprobeConfig config) {
        return new ModprobeRules(config);
    }

    /**
     * The configuration from {@code paths} (modprobe.d's defaults when empty), the module
     * directory's modules.softdep and a kernel command line ({@code /proc/cmdline} when none is
     * given), reporting bad lines to {@code log} in libkmod's words.
     */
    public static ModprobeRules load(List<String> paths, ModuleDirectory dir, Optional<String> kernelCmdline,
                                     Consumer<String> log) {
        return of(ModprobeConfig.load(paths, Optional.of(dir.dirname()), kernelCmdline, log));
    }

    /** The configuration behind the rules (for {@code modprobe -c}). */
    public ModprobeConfig config() {
        return config;
    }

    @Override
    public List<Map.Entry<String, String>> aliases() {
        return aliases;
    }

    @Override
    public String options(String name, String alias) {
        String o = config.options(name, alias);
        return o == null || o.isEmpty() ? null : o;
    }

    @Override
    public Optional<String> installCommand(String name) {
        return config.installCommand(name);
    }

    @Override
    public Optional<String> installCommandFor(String name) {
        return config.installCommands().stream().filter(c -> c.module().equals(name)).map(ModprobeConfig.Command::command)
                .findFirst();
    }

    @Override
    public boolean hasRemoveCommandFor(String name) {
        return config.removeCommands().stream().anyMatch(c -> c.module().equals(name));
    }

    @Override
    public Optional<String> removeCommand(String name) {
        return config.removeCommand(name);
    }

    @Override
    public boolean isBlacklisted(String name) {
        return config.isBlacklisted(name);
    }

    @Override
    public Optional<Map.Entry<List<String>, List<String>>> softdep(String name) {
        return config.softdep(name).map(s -> new AbstractMap.SimpleImmutableEntry<>(s.pre(), s.post()));
    }
}
