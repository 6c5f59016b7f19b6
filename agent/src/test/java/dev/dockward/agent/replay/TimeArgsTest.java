package dev.dockward.agent.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class TimeArgsTest {
  private static final Instant NOW = Instant.parse("2026-11-23T05:00:00Z");

  @Test
  void rfc3339AndAgesAreUnderstood() {
    assertEquals(
        Instant.parse("2026-11-23T02:00:00Z"), TimeArgs.parse("2026-11-23T02:00:00Z", NOW));
    assertEquals(
        Instant.parse("2026-11-23T02:00:00Z"), TimeArgs.parse("2026-11-23T03:00:00+01:00", NOW));
    assertEquals(Instant.parse("2026-11-23T03:00:00Z"), TimeArgs.parse("2h", NOW));
    assertEquals(Instant.parse("2026-11-23T04:30:00Z"), TimeArgs.parse("30m", NOW));
  }

  @Test
  void anythingElseIsAClearError() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TimeArgs.parse("yesterday", NOW));
    assertEquals(
        "'yesterday' is neither an RFC 3339 time (2026-11-23T02:00:00Z) nor an age (30m, 2h, 7d)",
        e.getMessage());
  }
}
