/**
 * The rule engine: YAML rule files with CEL conditions, lists, exceptions, overrides, {@code for:}
 * durations and {@code window:} counts, compiled into a rule set and evaluated on records (the JSON
 * contract as maps), so live detection and the replay of a journal run the same code. Problems in
 * rule files carry their file, line and column.
 */
package dev.dockward.rules;
