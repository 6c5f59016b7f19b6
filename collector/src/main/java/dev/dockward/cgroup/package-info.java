/**
 * Cgroup membership of processes: parsing {@code /proc/<pid>/cgroup} and telling from a cgroup
 * path which container (if any) a process belongs to. Pure code, no I/O.
 */
package dev.dockward.cgroup;
