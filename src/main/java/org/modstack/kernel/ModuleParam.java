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

    /** The parameters of a module image, in {@code __param} order (none for a 32-bit image). */
    public static List<ModuleParam> read(ElfFile elf) throws ElfFormatException {
        Optional<Section> table = elf.section("__param");
        if (table.isEmpty() || !elf.is64Bit()) {
            return List.of();
        }
        Reader r = new Reader(elf);
        List<ModuleParam> out = new ArrayList<>();
        for (long at = 0; at + ENTRY_SIZE <= table.get().size(); at += ENTRY_SIZE) {
            out.add(r.param(table.get(), at));
        }
        return out;
    }

    /** Follows pointers through relocations. */
    private static final class Reader {
        private final ElfFile elf;
        private final SymbolTable symbols;
        private final Map<Integer, Relocations> relocations = new HashMap<>();

        Reader(ElfFile elf) throws ElfFormatException {
            this.elf = elf;
            this.symbols = elf.symbols();
        }

        ModuleParam param(Section table, long at) {
            String name = string(pointer(table, at)).orElse("");
            String ops = relocation(table, at + 16).map(t -> symbols.name(t.symbol())).orElse("");
            int perm = Short.toUnsignedInt(data(table).getShort((int) at + 24));
            ParamType type = ParamType.ofOps(ops);
            Optional<Location> arg = pointer(table, at + 32);
            return switch (type) {
                case STRING -> {
                    int maxlen = arg.map(a -> a.bytes(this).getInt(0)).orElse(0);
                    String s = arg.flatMap(a -> string(pointer(a.section, a.offset + 8))).orElse("");
                    yield new ModuleParam(name, type, perm, maxlen, 0, null, s + "\n");
                }
                case ARRAY -> array(name, perm, arg);
                default -> new ModuleParam(name, type, perm, 0, 0, null, scalar(type, arg) + "\n");
            };
        }

        private ModuleParam array(String name, int perm, Optional<Location> arg) {
            if (arg.isEmpty()) {
                return new ModuleParam(name, ParamType.ARRAY, perm, 0, 0, ParamType.CUSTOM, "");
            }
            Location a = arg.get();
            ByteBuffer b = a.bytes(this);
            int max = b.getInt(0);
            int elemSize = b.getInt(4);
            ParamType elem = relocation(a.section, a.offset + 16).map(t -> ParamType.ofOps(symbols.name(t.symbol())))
                    .orElse(ParamType.CUSTOM);
            Optional<Location> num = pointer(a.section, a.offset + 8);
            int count = num.map(n -> n.bytes(this).getInt(0)).orElse(max);
            Optional<Location> elems = pointer(a.section, a.offset + 24);
            List<String> shown = new ArrayList<>();
            for (int i = 0; i < Math.min(count, max); i++) {
                int index = i;
                shown.add(elems.map(e -> scalar(elem, Optional.of(e.plus(index * (long) elemSize)))).orElse(""));
            }
            return new ModuleParam(name, ParamType.ARRAY, perm, 0, max, elem,
                    shown.isEmpty() ? "" : String.join(",", shown) + "\n");
        }

        private String scalar(ParamType type, Optional<Location> arg) {
            if (arg.isEmpty()) {
                return "";
            }
            if (type == ParamType.CHARP) {
                return string(pointer(arg.get().section, arg.get().offset)).orElse("(null)");
            }
            if (type == ParamType.CUSTOM) {
                return "";
            }
            ByteBuffer b = arg.get().bytes(this);
            long raw = switch (type.size()) {
                case 1 -> b.get(0);
                case 2 -> b.getShort(0);
                case 4 -> b.getInt(0);
                default -> b.getLong(0);
            };
            return type.formatRaw(raw);
        }

        private Optional<Relocations.Target> relocation(Section s, long offset) {
            return relocations.computeIfAbsent(s.index(), i -> Relocations.of(elf, s)).at(offset);
        }

        private Optional<Location> pointer(Section s, long offset) {
            return relocation(s, offset).flatMap(t -> {
                int shndx = symbols.sectionIndex(t.symbol());
                if (shndx == 0 || shndx >= elf.sectionCount()) {
                    return Optional.empty();
                }
                return Optional.of(new Location(elf.section(shndx), symbols.value(t.symbol()) + t.addend()));
            });
        }

        private Optional<String> string(Optional<Location> at) {
            return at.map(l -> {
                ByteBuffer b = l.bytes(this);
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < b.capacity() && b.get(i) != 0; i++) {
                    sb.append((char) (b.get(i) & 0xff));
                }
                return sb.toString();
            });
        }

        ByteBuffer data(Section s) {
            return elf.contents(s).order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    /** A place inside a section of the image. */
    private record Location(Section section, long offset) {
        Location plus(long delta) {
            return new Location(section, offset + delta);
        }

        /** The bytes from here to the section's end (zeros for a NOBITS section such as .bss). */
        ByteBuffer bytes(Reader r) {
            int size = (int) Math.max(0, Math.min(section.size() - offset, 4096));
            if (section.type() == Section.SHT_NOBITS) {
                return ByteBuffer.allocate(Math.max(size, 8)).order(ByteOrder.LITTLE_ENDIAN);
            }
            ByteBuffer all = r.data(section);
            ByteBuffer b = ByteBuffer.allocate(Math.max(size, 8)).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < size; i++) {
                b.put(i, all.get((int) offset + i));
            }
            return b;
        }
    }
}
