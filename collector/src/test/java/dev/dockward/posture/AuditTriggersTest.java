package dev.dockward.posture;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dockward.docker.DaemonEvent;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AuditTriggersTest {
  private static Optional<String> reason(String type, String action) {
    return AuditTriggers.reason(new DaemonEvent(type, action, "", "abc", Map.of(), Instant.EPOCH));
  }

  @Test
  void containerLifecycleNetworksAndDaemonReloadTrigger() {
    assertEquals(Optional.of("container start"), reason("container", "start"));
    assertEquals(Optional.of("container destroy"), reason("container", "destroy"));
    assertEquals(Optional.of("container die"), reason("container", "die"));
    assertEquals(Optional.of("network create"), reason("network", "create"));
    assertEquals(Optional.of("daemon reload"), reason("daemon", "reload"));
    assertEquals(Optional.of("daemon connect"), reason("daemon", "connect"));
  }

  @Test
  void eventsThatChangeNoPostureDoNot() {
    assertEquals(Optional.empty(), reason("container", "exec_start"));
    assertEquals(Optional.empty(), reason("container", "attach"));
    assertEquals(Optional.empty(), reason("image", "pull"));
    assertEquals(Optional.empty(), reason("network", "connect"));
  }
}
