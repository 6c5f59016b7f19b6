package dev.dockward.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DaemonEventParserTest {
  private static List<DaemonEvent> recorded() throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<DaemonEvent> out = new ArrayList<>();
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(
                DaemonEventParserTest.class.getResourceAsStream("/docker/events.jsonl"),
                StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        DaemonEventParser.parse(json.readTree(line)).ifPresent(out::add);
      }
    }
    return out;
  }

  @Test
  void recordedStreamGivesActionsWithDetailAndAttributes() throws IOException {
    List<DaemonEvent> events = recorded();

    assertEquals(
        List.of("start", "exec_create", "exec_start", "exec_die", "kill", "die", "destroy"),
        events.stream().map(DaemonEvent::action).toList());
    DaemonEvent execStart = events.get(2);
    assertEquals("sh -c id", execStart.detail());
    assertEquals(
        "fa93e93302c872fe7f9185db862bb867f609acd49691b0b5a5dfc393527ca123",
        execStart.attributes().get("execID"));
    assertEquals("dw-escapee", execStart.attributes().get("name"));
    assertEquals(1795409889921991120L % 1_000_000_000L, execStart.time().getNano());
    assertEquals("137", events.get(5).attributes().get("exitCode"));
  }

  @Test
  void objectWithoutActorIsNotAnEvent() throws IOException {
    assertTrue(
        DaemonEventParser.parse(
                new ObjectMapper().readTree("{\"Type\":\"container\",\"Action\":\"start\"}"))
            .isEmpty());
  }
}
