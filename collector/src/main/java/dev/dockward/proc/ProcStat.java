package dev.dockward.proc;

import java.util.Objects;

/**
 * The fields of {@code /proc/<pid>/stat} that Dockward uses.
 *
 * @param pid field 1
 * @param comm field 2, the name between the parentheses (decoded by {@link ProcText})
 * @param state field 3, e.g. {@code S}, {@code R}, {@code Z}
 * @param ppid field 4
 * @param startTime field 22, clock ticks after boot
 */
public record ProcStat(int pid, String comm, char state, int ppid, long startTime) {
  public ProcStat {
    Objects.requireNonNull(comm, "comm");
  }
}
