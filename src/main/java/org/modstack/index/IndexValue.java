package org.modstack.index;

/**
 * A value stored under a key of a binary index.
 *
 * @param priority the order among the key's values (ascending); depmod uses it to rank modules
 * @param value the value, e.g. a module name or a {@code modules.dep} line
 */
public record IndexValue(long priority, String value) {
}
