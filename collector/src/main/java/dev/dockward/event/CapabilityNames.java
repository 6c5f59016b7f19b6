package dev.dockward.event;

import java.util.ArrayList;
import java.util.List;

/**
 * Names of the bits of a capability mask, as Docker spells them ({@code SYS_ADMIN}, without the
 * {@code CAP_} prefix), from linux/capability.h. A bit this kernel header list does not know is
 * named {@code CAP_<bit>}.
 */
public final class CapabilityNames {
  private static final List<String> BY_BIT =
      List.of(
          "CHOWN",
          "DAC_OVERRIDE",
          "DAC_READ_SEARCH",
          "FOWNER",
          "FSETID",
          "KILL",
          "SETGID",
          "SETUID",
          "SETPCAP",
          "LINUX_IMMUTABLE",
          "NET_BIND_SERVICE",
          "NET_BROADCAST",
          "NET_ADMIN",
          "NET_RAW",
          "IPC_LOCK",
          "IPC_OWNER",
          "SYS_MODULE",
          "SYS_RAWIO",
          "SYS_CHROOT",
          "SYS_PTRACE",
          "SYS_PACCT",
          "SYS_ADMIN",
          "SYS_BOOT",
          "SYS_NICE",
          "SYS_RESOURCE",
          "SYS_TIME",
          "SYS_TTY_CONFIG",
          "MKNOD",
          "LEASE",
          "AUDIT_WRITE",
          "AUDIT_CONTROL",
          "SETFCAP",
          "MAC_OVERRIDE",
          "MAC_ADMIN",
          "SYSLOG",
          "WAKE_ALARM",
          "BLOCK_SUSPEND",
          "AUDIT_READ",
          "PERFMON",
          "BPF",
          "CHECKPOINT_RESTORE");

  private CapabilityNames() {}

  /** The names of the bits set in {@code mask}, lowest bit first. */
  public static List<String> of(long mask) {
    List<String> out = new ArrayList<>(Long.bitCount(mask));
    for (int bit = 0; bit < Long.SIZE; bit++) {
      if ((mask & (1L << bit)) != 0) {
        out.add(bit < BY_BIT.size() ? BY_BIT.get(bit) : "CAP_" + bit);
      }
    }
    return out;
  }
}
