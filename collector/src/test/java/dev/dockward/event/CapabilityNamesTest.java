package dev.dockward.event;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class CapabilityNamesTest {
  @Test
  void dockersDefaultSetIsNamedAsDockerSpellsIt() {
    assertEquals(
        List.of(
            "CHOWN",
            "DAC_OVERRIDE",
            "FOWNER",
            "FSETID",
            "KILL",
            "SETGID",
            "SETUID",
            "SETPCAP",
            "NET_BIND_SERVICE",
            "NET_RAW",
            "SYS_CHROOT",
            "MKNOD",
            "AUDIT_WRITE",
            "SETFCAP"),
        CapabilityNames.of(0xa80425fbL));
  }

  @Test
  void bitsPastTheKnownOnesAreNamedByNumber() {
    assertEquals(
        List.of("SYS_ADMIN", "CHECKPOINT_RESTORE", "CAP_41"),
        CapabilityNames.of((1L << 21) | (1L << 40) | (1L << 41)));
    assertEquals(List.of(), CapabilityNames.of(0));
  }
}
