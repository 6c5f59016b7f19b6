package dev.dockward.agent.ship.format;

import java.util.Locale;
import java.util.Map;

/**
 * The shape a sink writes. OCSF and ECS map alerts and the agent's lifecycle records ({@code
 * agent_*}), so an output holding only those holds one schema; other events are written native in
 * every format, marked by their {@code schema}.
 */
public enum RecordFormat {
  NATIVE,
  OCSF,
  ECS;

  private static final AttackTechniques ATTACK = AttackTechniques.bundled();

  public static RecordFormat parse(String text) {
    switch (text.toLowerCase(Locale.ROOT)) {
      case "native":
        return NATIVE;
      case "ocsf":
        return OCSF;
      case "ecs":
        return ECS;
      default:
        throw new IllegalArgumentException(
            "output format must be native, ocsf or ecs, not '" + text + "'");
    }
  }

  /**
   * The record in this format, without rule descriptions; the native record itself when the format
   * does not map it.
   */
  public Map<String, Object> apply(Map<String, Object> record) {
    return apply(record, RuleDescriptions.NONE);
  }

  /** The record in this format; the native record itself when the format does not map it. */
  public Map<String, Object> apply(Map<String, Object> record, RuleDescriptions descriptions) {
    if (this == NATIVE) {
      return record;
    }
    boolean alert = "alert".equals(record.get("kind"));
    if (!alert && !Fields.isLifecycle(record)) {
      return record;
    }
    if (this == OCSF) {
      OcsfMapper ocsf = new OcsfMapper(ATTACK, descriptions);
      return alert ? ocsf.detectionFinding(record) : ocsf.applicationLifecycle(record);
    }
    EcsMapper ecs = new EcsMapper(ATTACK, descriptions);
    return alert ? ecs.alert(record) : ecs.lifecycle(record);
  }
}
