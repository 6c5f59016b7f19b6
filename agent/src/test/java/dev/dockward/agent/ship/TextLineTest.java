package dev.dockward.agent.ship;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TextLineTest {
  @Test
  void alertLineNamesSeverityRuleContainerAndSummary() {
    Map<String, Object> alert = new LinkedHashMap<>();
    alert.put("kind", "alert");
    alert.put("time", "2026-11-23T05:00:00.000Z");
    alert.put("rule", "docker_socket_mounted");
    alert.put("severity", "critical");
    alert.put("summary", "socket mounted");
    alert.put("container", Map.of("name", "web", "image", "nginx:1.25"));
    assertEquals(
        "2026-11-23T05:00:00.000Z CRITICAL docker_socket_mounted container=web image=nginx:1.25 - socket mounted",
        TextLine.of(alert));
  }

  @Test
  void hostileTextCannotBreakTheLineOrDriveTheTerminal() {
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("kind", "event");
    event.put("type", "exec");
    event.put("process", Map.of("pid", 7L, "name", "sh\nFAKE ALERT\u001b[2J"));
    String line = TextLine.of(event);
    assertFalse(line.contains("\n"));
    assertFalse(line.contains("\u001b"));
    assertEquals(
        "event exec pid=7 proc=sh\\nFAKE ALERT\\u001b[2J", line.substring(line.indexOf("event")));
  }
}
