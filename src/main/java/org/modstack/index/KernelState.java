package org.modstack.index;

/**
 * What a kernel says about a module's state, as libkmod reads it from {@code /sys/module}:
 * the live kernel, or the virtual kernel of a later issue.
 */
public interface KernelState {

    /** A module's state in the kernel ({@code /sys/module/<m>/initstate}). */
    enum InitState { NOT_LOADED, LIVE, COMING, GOING }

    /** The state of module {@code name}; built-in modules are answered from the indexes, not here. */
    InitState initState(String name);

    /** The running kernel, read from {@code /sys/module}. */
    static KernelState live() {
        return name -> {
            java.nio.file.Path dir = java.nio.file.Path.of("/sys/module", name);
            try {
                String s = java.nio.file.Files.readString(dir.resolve("initstate"));
                return switch (s) {
                    case "live\n" -> InitState.LIVE;
                    case "coming\n" -> InitState.COMING;
                    case "going\n" -> InitState.GOING;
                    default -> InitState.NOT_LOADED;
                };
            } catch (java.io.IOException e) {
                // A directory without initstate is a built-in module with parameters, or one loading.
                return java.nio.file.Files.isDirectory(dir) ? InitState.COMING : InitState.NOT_LOADED;
            }
        };
    }
}
