package org.modstack.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.modstack.elf.ElfFile;
import org.modstack.elf.ElfFormatException;
import org.modstack.elf.Relocations;
import org.modstack.elf.Section;
import org.modstack.elf.SymbolTable;

/**
 * A module parameter as the kernel knows it: an entry of the module's {@code __param} table
 * (what {@code module_param} emits), not its {@code .modinfo} description.
 *
 * <pre>
 * struct kernel_param (x86_64, 40 bytes): name @0, mod @8, ops @16, perm u16 @24, level s8 @26,
 *   flags u8 @27, arg @32.  kparam_string: maxlen u32 @0, string @8.
 * kparam_array: max u32 @0, elemsize u32 @4, num @8, ops @16, elem @24.
 * </pre>
 * Pointers are zero in the file; the relocations of their section say where they point.
 *
 * @param name the parameter's name
 * @param type its operations
 * @param perm its sysfs mode (0: no sysfs file)
 * @param maxlen a string parameter's buffer size
 * @param arrayMax an array's capacity
 * @param elementType an array's element operations
 * @param initial what sysfs shows before any value is given (the whole file, newline included)
 */
public record ModuleParam(String name, ParamType type, int perm, int maxlen, int arrayMax, ParamType elementType,
                          String initial) {
    private static final int ENTRY_SIZE = 40;
    private static final int PAGE = 4096;

    /**
     * The parameters of a module image, in {@code __param} order (none for a 32-bit image).
     *
     * @throws ElfFormatException when a pointer of the table leads outside the image
     */
    public static List<ModuleParam> read(ElfFile elf) throws ElfFormatException {
        Optional<Section> table = elf.section("__param");
        if (table.isEmpty() || !elf.is64Bit()) {
            return List.of();
        }
        Reader r = new Reader(elf);
        List<ModuleParam> out = new ArrayList<>();
        for (long at = 0; at + ENTRY_SIZE <= table.get().size(); at += ENTRY_SIZE) {
            out.add(r.param(new Location(table.get(), at)));
        }
        return out;
    }

    /** Follows pointers through relocations; a pointer that leads outside the image is a format error. */
    private static final class Reader {
        private final ElfFile elf;
        private final SymbolTable symbols;
        private final Map<Integer, Relocations> relocations = new HashMap<>();

        Reader(ElfFile elf) throws ElfFormatException {
            this.elf = elf;
            this.symbols = elf.symbols();
        }

        ModuleParam param(Location entry) throws ElfFormatException {
            String name = string(pointer(entry)).orElse("");
            Optional<Relocations.Target> ops = relocation(entry.plus(16));
            ParamType type = ParamType.ofOps(ops.isPresent() ? symbols.name(ops.get().symbol()) : "");
            int perm = Short.toUnsignedInt(bytes(entry.plus(24)).getShort(0));
            Optional<Location> arg = pointer(entry.plus(32));
            return switch (type) {
                case STRING -> {
                    int maxlen = arg.isPresent() ? bytes(arg.get()).getInt(0) : 0;
                    String s = arg.isPresent() ? string(pointer(arg.get().plus(8))).orElse("") : "";
                    yield new ModuleParam(name, type, perm, maxlen, 0, null, s + "\n");
                }
                case ARRAY -> array(name, perm, arg);
                default -> new ModuleParam(name, type, perm, 0, 0, null, scalar(type, arg) + "\n");
            };
        }

        /** A kparam_array: its capacity, element operations, count and elements. */
        private ModuleParam array(String name, int perm, Optional<Location> arg) throws ElfFormatException {
            if (arg.isEmpty()) {
                return new ModuleParam(name, ParamType.ARRAY, perm, 0, 0, ParamType.CUSTOM, "");
            }
            Location a = arg.get();
            ByteBuffer b = bytes(a);
            int max = b.getInt(0);
            int elemSize = b.getInt(4);
            Optional<Relocations.Target> ops = relocation(a.plus(16));
            ParamType elem = ops.isPresent() ? ParamType.ofOps(symbols.name(ops.get().symbol())) : ParamType.CUSTOM;
            Optional<Location> num = pointer(a.plus(8));
            int count = num.isPresent() ? bytes(num.get()).getInt(0) : max;
            Optional<Location> elems = pointer(a.plus(24));
            List<String> shown = new ArrayList<>();
            for (int i = 0; i < Math.min(count, max); i++) {
                shown.add(elems.isPresent() ? scalar(elem, Optional.of(elems.get().plus(i * (long) elemSize))) : "");
            }
            return new ModuleParam(name, ParamType.ARRAY, perm, 0, max, elem,
                    shown.isEmpty() ? "" : String.join(",", shown) + "\n");
        }

        private String scalar(ParamType type, Optional<Location> arg) throws ElfFormatException {
            if (arg.isEmpty() || type == ParamType.CUSTOM) {
                return "";
            }
            if (type == ParamType.CHARP) {
                return string(pointer(arg.get())).orElse("(null)");
            }
            ByteBuffer b = bytes(arg.get());
            long raw = switch (type.size()) {
                case 1 -> b.get(0);
                case 2 -> b.getShort(0);
                case 4 -> b.getInt(0);
                default -> b.getLong(0);
            };
            return type.formatRaw(raw);
        }

        private Optional<Relocations.Target> relocation(Location at) throws ElfFormatException {
            Relocations r = relocations.get(at.section.index());
            if (r == null) {
                r = Relocations.of(elf, at.section, symbols.count());
                relocations.put(at.section.index(), r);
            }
            return r.at(at.offset);
        }

        /** Where the pointer stored at {@code at} points, once relocated; empty for a null pointer. */
        private Optional<Location> pointer(Location at) throws ElfFormatException {
            Optional<Relocations.Target> t = relocation(at);
            if (t.isEmpty()) {
                return Optional.empty();
            }
            int shndx = symbols.sectionIndex(t.get().symbol());
            if (shndx == 0 || shndx >= elf.sectionCount()) {
                return Optional.empty();
            }
            return Optional.of(new Location(elf.section(shndx), symbols.value(t.get().symbol()) + t.get().addend()));
        }

        private Optional<String> string(Optional<Location> at) throws ElfFormatException {
            if (at.isEmpty()) {
                return Optional.empty();
            }
            ByteBuffer b = bytes(at.get());
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < b.capacity() && b.get(i) != 0; i++) {
                sb.append((char) (b.get(i) & 0xff));
            }
            return Optional.of(sb.toString());
        }

        /**
         * The bytes from {@code at} to its section's end, at most a page and at least 8 (zeros
         * past the end, and for a NOBITS section such as .bss).
         */
        private ByteBuffer bytes(Location at) throws ElfFormatException {
            Section s = at.section;
            int size = at.offset < 0 || at.offset > s.size() ? 0 : (int) Math.min(s.size() - at.offset, PAGE);
            ByteBuffer b = ByteBuffer.allocate(Math.max(size, 8)).order(ByteOrder.LITTLE_ENDIAN);
            if (s.type() == Section.SHT_NOBITS || size == 0) {
                return b;
            }
            ByteBuffer all = elf.checkedContents(s);
            for (int i = 0; i < size; i++) {
                b.put(i, all.get((int) at.offset + i));
            }
            return b;
        }
    }

    /** A place inside a section of the image. */
    private record Location(Section section, long offset) {
        Location plus(long delta) {
            return new Location(section, offset + delta);
        }
    }
}
