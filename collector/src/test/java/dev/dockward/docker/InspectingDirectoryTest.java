package dev.dockward.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InspectingDirectoryTest {
  private static final String ESCAPEE =
      "d29228aa6eb3293fa6623e4e93d90ac298186c99117088ba6c28ae4c7285ed59";
  private static final String GONE = "ab".repeat(32);
  private Instant now = Instant.parse("2026-11-23T07:00:00Z");
  private final List<String> asked = new ArrayList<>();

  private final Clock clock =
      new Clock() {
        @Override
        public ZoneOffset getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
          return this;
        }

        @Override
        public Instant instant() {
          return now;
        }
      };

  private InspectingDirectory directory(boolean daemonUp) throws IOException {
    JsonNode escapee = ContainerInspectParserTest.fixture("inspect-escapee.json");
    return new InspectingDirectory(
        id -> {
          asked.add(id);
          if (!daemonUp) {
            throw new IOException("Docker API: connection refused");
          }
          if (id.equals(ESCAPEE)) {
            return escapee;
          }
          throw new DockerApiException(404, "/containers/" + id + "/json", "No such container");
        },
        clock);
  }

  @Test
  void aContainerTheDaemonKnowsIsDescribedByItsRecordedInspect() throws IOException {
    InspectingDirectory d = directory(true);
    assertEquals("dw-escapee", d.byId(ESCAPEE).orElseThrow().name());
    assertTrue(
        d.byId(ESCAPEE.substring(0, 12)).isEmpty(),
        "short ids (not from a cgroup path) are not asked");
    assertEquals(List.of(ESCAPEE), asked);
  }

  @Test
  void anUnknownIdIsNotAskedAgainForAWhile() throws IOException {
    InspectingDirectory d = directory(true);
    assertTrue(d.byId(GONE).isEmpty());
    now = now.plusSeconds(10);
    assertTrue(d.byId(GONE).isEmpty());
    assertEquals(
        1,
        asked.size(),
        "the second lookup within " + InspectingDirectory.RETRY_AFTER + " asks nothing");
    now = now.plus(InspectingDirectory.RETRY_AFTER);
    d.byId(GONE);
    assertEquals(2, asked.size());
  }

  @Test
  void aDaemonThatFailedIsLeftAloneForAWhile() throws IOException {
    InspectingDirectory d = directory(false);
    assertTrue(d.byId(ESCAPEE).isEmpty());
    assertTrue(d.byId(GONE).isEmpty());
    assertEquals(1, asked.size(), "after the failure nothing else is asked");
    assertEquals(1, d.failures());
    now = now.plus(InspectingDirectory.RETRY_AFTER).plus(Duration.ofSeconds(1));
    d.byId(GONE);
    assertEquals(2, asked.size());
  }
}
