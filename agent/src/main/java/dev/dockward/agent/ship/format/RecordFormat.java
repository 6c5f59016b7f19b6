package dev.dockward.agent.ship.format;

import java.util.Locale;
import java.util.Map;

/**
 * The shape a sink writes. OCSF and ECS map alerts (and the agent's lifecycle records stay native):
 * events other than alerts are written native in every format, marked by their {@code schema}.
 */
public enum RecordFormat {
  NATIVE, OCSF, ECS;

  public static RecordFormat parse(String text) {
    switch (text.toLowerCase(Locale.ROOT)) {
      case "native":
        return NATIVE;
      case "ocsf":
        return OCSF;
      case "ecs":
        return ECS;
      default:
        throw new IllegalArgumentException("output format must be native, ocsf or ecs, not '" + text + "'");
    }
  }

  /** The record in this format; the native record itself when the format does not map it. */
  public Map<String, Object> apply(Map<String, Object> record) {
    if (this == NATIVE || !"alert".equals(record.get("kind"))) {
      return record;
    }
    return this == OCSF ? OcsfMapper.detectionFinding(record) : EcsMapper.alert(record);
  }
}
