package org.modstack.cli;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.modstack.index.Modprobe;
import org.modstack.index.ModuleDirectory;

/** The configuration modprobe plans with. (Placeholder until modprobe.d is read.) */
final class ModprobeSettings {
    private ModprobeSettings() {
    }

    static Modprobe.Config load(List<String> paths, ModuleDirectory dir) {
        return new Modprobe.Config() {
            @Override
            public List<Map.Entry<String, String>> aliases() {
                return List.of();
            }

            @Override
            public String options(String name, String alias) {
                return null;
            }

            @Override
            public Optional<String> installCommand(String name) {
                return Optional.empty();
            }

            @Override
            public Optional<String> installCommandFor(String name) {
                return Optional.empty();
            }

            @Override
            public boolean hasRemoveCommandFor(String name) {
                return false;
            }

            @Override
            public boolean isBlacklisted(String name) {
                return false;
            }

            @Override
            public Optional<Map.Entry<List<String>, List<String>>> softdep(String name) {
                return Optional.empty();
            }
        };
    }
}
