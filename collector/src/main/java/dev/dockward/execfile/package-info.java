/**
 * The file of every exec in a container, recorded at exec time by fanotify ({@code FAN_OPEN_EXEC}),
 * and joined with the process connector's exec event by pid: an exec whose process ended before it
 * was read from /proc still carries its executable.
 */
package dev.dockward.execfile;
