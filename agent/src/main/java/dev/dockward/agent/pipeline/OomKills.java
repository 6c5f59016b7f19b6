package dev.dockward.agent.pipeline;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counts each OOM kill of a container once, whichever source reports it first, and says so on the
 * record before it is journalled ({@code oom_kill}: {@code new}, the kills not reported before, and
 * {@code source}), so the rule raises one alert per kill and a replay of the journal raises the
 * same. Three sources report kills:
 *
 * <ul>
 *   <li>the cgroup's own counter ({@code resource_sample}, {@code res.oom_kills_new}): exact, but
 *       only for a container that lives until the sampler's next pass;
 *   <li>Docker's {@code oom} event: at once, but one kill gives several (four here);
 *   <li>the inspect at the stop ({@code container_stop}, {@code oom_killed}): whether any kill
 *       happened in the run, for a container that died before anything else saw it.
 * </ul>
 *
 * <p>An {@code oom} event within {@link #ECHO} of the previous one of the container is a repeat of
 * the same kill's report; one within {@code ECHO} of a kill the counter reported first is that
 * kill. Kills the counter reports are first matched with the {@code oom} events not yet counted by
 * it. A stop says "OOM-killed" as a new kill only when no kill of the run was reported. So two
 * kills within {@code ECHO} that only Docker's events report count as one. State is per container
 * and run (a {@code container_start} starts afresh), at most {@link #MAX_CONTAINERS} containers
 * (the least recently seen forgotten). Used by the pipeline's thread only.
 */
final class OomKills {
  /** How long after a kill a report of it may still come from the other source. */
  static final Duration ECHO = Duration.ofSeconds(5);

  static final int MAX_CONTAINERS = 10_000;

  /** What was reported of one container's run. */
  private static final class Run {
    /** Kills counted from Docker's events that the counter has not reported yet. */
    long fromEventsUncounted;

    /** Kills counted from the counter that no Docker event has echoed yet. */
    long fromCounterUnechoed;

    Instant lastEvent;
    Instant lastCounterKill;
    boolean anyKill;
  }

  private final Map<String, Run> runs =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Run> eldest) {
          return size() > MAX_CONTAINERS;
        }
      };

  /** Adds {@code oom_kill} to a record that reports OOM kills; other records are left alone. */
  void annotate(Map<String, Object> record) {
    if (!"event".equals(record.get("kind"))
        || !(record.get("container") instanceof Map<?, ?> c)
        || !(c.get("id") instanceof String id)
        || id.isEmpty()) {
      return;
    }
    Object type = record.get("type");
    if ("container_start".equals(type)) {
      runs.remove(id);
      return;
    }
    if (!"resource_sample".equals(type) && !"oom".equals(type) && !"container_stop".equals(type)) {
      return; // an exec, a fork…: no kill to count, and no time to parse for every one of them
    }
    Instant time = time(record);
    if (time == null) {
      return;
    }
    if ("resource_sample".equals(type)
        && record.get("res") instanceof Map<?, ?> res
        && res.get("oom_kills_new") instanceof Long n
        && n > 0) {
      Run run = runs.computeIfAbsent(id, k -> new Run());
      long echoed = Math.min(n, run.fromEventsUncounted);
      run.fromEventsUncounted -= echoed;
      long fresh = n - echoed;
      if (fresh > 0) {
        run.fromCounterUnechoed += fresh;
        run.lastCounterKill = time;
        run.anyKill = true;
      }
      put(record, fresh, "cgroup");
    } else if ("oom".equals(type)) {
      Run run = runs.computeIfAbsent(id, k -> new Run());
      long fresh;
      if (within(run.lastEvent, time)) {
        fresh = 0; // the same kill reported again
      } else if (run.fromCounterUnechoed > 0 && within(run.lastCounterKill, time)) {
        run.fromCounterUnechoed--;
        fresh = 0; // the kill the counter reported first
      } else {
        run.fromEventsUncounted++;
        run.anyKill = true;
        fresh = 1;
      }
      run.lastEvent = time;
      put(record, fresh, "docker_event");
    } else if ("container_stop".equals(type) && Boolean.TRUE.equals(record.get("oom_killed"))) {
      Run run = runs.computeIfAbsent(id, k -> new Run());
      long fresh = run.anyKill ? 0 : 1;
      run.anyKill = true;
      put(record, fresh, "docker_inspect");
    }
  }

  private static boolean within(Instant earlier, Instant now) {
    return earlier != null
        && !now.isBefore(earlier)
        && Duration.between(earlier, now).compareTo(ECHO) <= 0;
  }

  private static void put(Map<String, Object> record, long fresh, String source) {
    Map<String, Object> kill = new LinkedHashMap<>();
    kill.put("new", fresh);
    kill.put("source", source);
    record.put("oom_kill", kill);
  }

  private static Instant time(Map<String, Object> record) {
    try {
      return record.get("time") instanceof String t ? Instant.parse(t) : null;
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
