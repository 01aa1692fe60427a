package org.modstack.cli;

import java.util.AbstractMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.modstack.config.ModprobeConfig;
import org.modstack.index.Modprobe;
import org.modstack.index.ModuleDirectory;

/** modprobe.d as the planner asks for it. */
final class ModprobeSettings implements Modprobe.Config {
    private final ModprobeConfig config;

    private ModprobeSettings(ModprobeConfig config) {
        this.config = config;
    }

    /**
     * The configuration from {@code paths} (modprobe.d's defaults when empty), the module
     * directory's modules.softdep and a kernel command line ({@code /proc/cmdline} when none is
     * given), reporting bad lines to {@code log} in libkmod's words.
     */
    static ModprobeSettings load(List<String> paths, ModuleDirectory dir, Optional<String> kernelCmdline,
                                 Consumer<String> log) {
        return new ModprobeSettings(ModprobeConfig.load(paths, Optional.of(dir.dirname()), kernelCmdline, log));
    }

    ModprobeConfig config() {
        return config;
    }

    @Override
    public List<Map.Entry<String, String>> aliases() {
        return config.aliases().stream()
                .<Map.Entry<String, String>>map(a -> new AbstractMap.SimpleImmutableEntry<>(a.pattern(), a.module()))
                .toList();
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
