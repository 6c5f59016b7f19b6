package dev.dockward.proc;

/**
 * The fields of {@code /proc/<pid>/status} that Dockward uses.
 *
 * @param uid the real uid (first column of {@code Uid:})
 * @param euid the effective uid (second column)
 * @param capEff the effective capability mask ({@code CapEff:})
 */
public record ProcStatus(int uid, int euid, long capEff) {}
