package dev.dockward.agent.health;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dockward.event.SensorState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The body of {@code /health/ready}: each sensor's state, so a probe shows what the agent cannot see. */
public final class ReadyBody {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ReadyBody() {}

  /** {@code {"sources":[{"name":…,"state":…,"reason":…},…],"degraded":[names]}}. */
  public static String of(List<SensorState> sensors) {
    List<Map<String, Object>> list = new ArrayList<>();
    List<String> degraded = new ArrayList<>();
    for (SensorState s : sensors) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", s.name());
      m.put("state", s.state());
      if (!s.reason().isEmpty()) {
        m.put("reason", s.reason());
      }
      list.add(m);
      if (s.degraded()) {
        degraded.add(s.name());
      }
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("sources", list);
    body.put("degraded", degraded);
    try {
      return JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("plain maps of strings always serialise", e);
    }
  }
}
