package org.modstack.depmod;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.modstack.module.Import;
import org.modstack.module.SymbolVersion;

/**
 * A module as depmod tracks it while computing the stacks: where it lies, its place in the
 * output order, and the modules it depends on directly.
 */
final class DepmodModule {
    final String name;
    /** The full path. */
    final String path;
    /** The path relative to the module directory, or null for a module outside it. */
    final String relpath;
    /** relpath with the compression suffix cut, as modules.order names it; null when relpath is. */
    final String uncompressedRelpath;
    /** The length of the path up to, not including, the last slash. */
    final int baseLength;
    int sortIndex;
    int index;
    int depSortIndex = Integer.MAX_VALUE;
    int users;
    boolean visited;
    /** Direct dependencies, each once, first in symbol order, later by depSortIndex. */
    final List<DepmodModule> deps = new ArrayList<>(4);
    /** The file's stamp when the search took it, else null (read with the file). */
    ModuleStamp stamp;
    /** What depmod read from the file; until {@link ModuleReader#decodeCached}, not for a cached file. */
    Contents contents = Contents.EMPTY;
    /** The cache's entry when the file is unchanged, its contents not decoded yet; else null. */
    DepmodCache.Entry cached;
    /** Whether {@link ReadAhead} read the contents while the search went on. */
    boolean readAhead;

    /**
     * What depmod reads from the module file.
     *
     * @param provided the symbols it exports, as depmod sees them
     * @param required the symbols it needs, or null when they could not be read
     * @param aliases {@code alias} values
     * @param softdeps {@code softdep} values
     * @param weakdeps {@code weakdep} values
     * @param error the failure reading its exports, if any (printed by depmod)
     */
    record Contents(List<SymbolVersion> provided, List<Import> required, List<String> aliases,
                    List<String> softdeps, List<String> weakdeps, String error) {
        static final Contents EMPTY = new Contents(List.of(), null, List.of(), List.of(), List.of(), null);

        /** Written out, as {@link SymbolVersion#equals}: a run compares each module read with its cache. */
        @Override
        public boolean equals(Object o) {
            return o instanceof Contents other && Objects.equals(provided, other.provided)
                    && Objects.equals(required, other.required) && Objects.equals(aliases, other.aliases)
                    && Objects.equals(softdeps, other.softdeps) && Objects.equals(weakdeps, other.weakdeps)
                    && Objects.equals(error, other.error);
        }

        @Override
        public int hashCode() {
            return Objects.hash(provided, required, aliases, softdeps, weakdeps, error);
        }
    }

    DepmodModule(String name, String path, String moduleDir) {
        this.name = name;
        this.path = path;
        int lastSlash = path.lastIndexOf('/');
        this.baseLength = lastSlash;
        if (path.startsWith(moduleDir) && path.length() > moduleDir.length() && path.charAt(moduleDir.length()) == '/') {
            this.relpath = path.substring(moduleDir.length() + 1);
            // kmod keeps the directory and the first strlen(name) + 3 characters of the file name:
            // "snd-hda.ko.xz" of module snd_hda gives "snd-hda.ko".
            int dirLength = lastSlash - moduleDir.length() - 1;
            int keep = Math.min(relpath.length(), dirLength + 1 + name.length() + 3);
            this.uncompressedRelpath = relpath.substring(0, keep);
        } else {
            this.relpath = null;
            this.uncompressedRelpath = null;
        }
    }

    /** The failure reading its exports, if any, whether read now or cached. */
    String error() {
        return cached != null ? cached.error() : contents.error();
    }

    /** The path modules.dep names it by: relative inside the module directory, else absolute. */
    String outputPath() {
        return relpath != null ? relpath : path;
    }

    /** Adds a dependency once; returns whether it was new. */
    boolean addDependency(DepmodModule owner) {
        if (deps.contains(owner)) {
            return false;
        }
        deps.add(owner);
        owner.users++;
        return true;
    }
}
