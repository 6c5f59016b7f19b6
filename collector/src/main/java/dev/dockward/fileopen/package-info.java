/**
 * Sensitive files opened from inside containers, heard from the open itself: a fanotify watch
 * ({@link dev.dockward.fileopen.SensitiveOpenSource}) marks each container's copies of credentials
 * files and the host's own, and attributes every open to the container whose mount it went through.
 */
package dev.dockward.fileopen;
