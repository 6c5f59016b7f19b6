package dev.dockward.event;

import java.util.Locale;

/**
 * What a standard file descriptor (0, 1, 2) of a process is, from its {@code /proc/<pid>/fd} link:
 * a reverse shell has a network socket there, a normal one a terminal, pipe or file.
 */
public enum StdioKind {
  /** A TCP socket (IPv4 or IPv6). */
  TCP,
  /** A UDP socket. */
  UDP,
  /** A unix domain socket. */
  UNIX,
  /** A socket of another family, or one the agent could not find in the socket tables. */
  SOCKET,
  PIPE,
  /** A terminal ({@code /dev/pts/…}, {@code /dev/tty…}, {@code /dev/console}). */
  TTY,
  /** {@code /dev/null}. */
  NULL,
  /** Any other file. */
  FILE,
  /** Not open. */
  CLOSED;

  /** The contract's text, e.g. {@code tcp}. */
  public String text() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether this is a network socket (TCP or UDP). */
  public boolean network() {
    return this == TCP || this == UDP;
  }
}
