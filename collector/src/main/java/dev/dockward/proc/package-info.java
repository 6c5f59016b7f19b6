/**
 * Processes from /proc: pure parsers of its files ({@code …Parser}), {@link
 * dev.dockward.proc.ProcReader} for the I/O, and {@link dev.dockward.proc.ProcScanSource}, the
 * periodic rescan that emits processes as events.
 */
package dev.dockward.proc;
