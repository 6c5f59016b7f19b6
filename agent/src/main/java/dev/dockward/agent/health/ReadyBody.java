package dev.dockward.agent.health;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dockward.event.EventDocuments;
import dev.dockward.event.SensorState;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The body of {@code /health/ready}: each sensor's state, so a probe shows what the agent cannot
 * see.
 */
public final class ReadyBody {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ReadyBody() {}

  /** {@code {"sources":[{"name":…,"state":…,"reason":…},…],"degraded":[names]}}. */
  public static String of(List<SensorState> sensors) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("sources", EventDocuments.sensorStates(sensors));
    body.put(
        "degraded", sensors.stream().filter(SensorState::degraded).map(SensorState::name).toList());
    try {
      return JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("plain maps of strings always serialise", e);
    }
  }
}
