package dev.dockward.agent.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each OOM kill counted once, from whichever of the three sources reports it first. */
class OomKillsTest {
  private static final Instant T0 = Instant.parse("2026-12-07T14:00:00Z");
  private static final String ID = "9f2c" + "0".repeat(60);

  private final OomKills kills = new OomKills();

  private static Map<String, Object> record(String type, long millis, String id) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("schema", 1L);
    r.put("kind", "event");
    r.put("time", T0.plusMillis(millis).toString());
    r.put("type", type);
    r.put("container", Map.of("id", id, "name", "hog"));
    return r;
  }

  private static Map<String, Object> oom(long millis) {
    return record("oom", millis, ID);
  }

  private static Map<String, Object> sample(long millis, long total, long fresh) {
    Map<String, Object> r = record("resource_sample", millis, ID);
    r.put("res", Map.of("oom_kills", total, "oom_kills_new", fresh));
    return r;
  }

  private static Map<String, Object> stop(long millis, boolean oomKilled) {
    Map<String, Object> r = record("container_stop", millis, ID);
    r.put("exit_code", 137L);
    r.put("oom_killed", oomKilled);
    return r;
  }

  /** The new kills each record was given, in order ("-" for a record given none). */
  private List<String> feed(List<Map<String, Object>> records) {
    List<String> out = new ArrayList<>();
    for (Map<String, Object> r : records) {
      kills.annotate(r);
      out.add(
          r.get("oom_kill") instanceof Map<?, ?> k ? k.get("source") + ":" + k.get("new") : "-");
    }
    return out;
  }

  @Test
  void aContainerDeadBeforeAnySampleIsCountedOnceFromDockersEventsAndStop() {
    assertEquals(
        List.of(
            "docker_event:1",
            "docker_event:0",
            "docker_event:0",
            "docker_event:0",
            "docker_inspect:0"),
        feed(List.of(oom(130), oom(131), oom(133), oom(140), stop(150, true))));
  }

  @Test
  void withoutAnyOomEventTheStopsInspectCountsTheKill() {
    assertEquals(List.of("docker_inspect:1"), feed(List.of(stop(150, true))));
  }

  @Test
  void theCounterAfterDockersEventsAddsNothingForTheSameKill() {
    assertEquals(
        List.of("docker_event:1", "docker_event:0", "cgroup:0", "-"),
        feed(List.of(oom(100), oom(102), sample(250, 1, 1), sample(500, 1, 0))));
  }

  @Test
  void dockersEventsAfterTheCounterAreItsEcho() {
    assertEquals(
        List.of("cgroup:1", "docker_event:0", "docker_event:0", "docker_inspect:0"),
        feed(List.of(sample(250, 1, 1), oom(300), oom(301), stop(400, true))));
  }

  @Test
  void aSecondKillSeenByTheCounterIsNewEvenRightAfterTheFirst() {
    assertEquals(
        List.of("docker_event:1", "cgroup:1", "docker_event:0"),
        feed(List.of(oom(100), sample(250, 2, 2), oom(260))));
  }

  @Test
  void killsFarApartFromDockerAloneAreCountedEach() {
    long later = OomKills.ECHO.toMillis() + 1000;
    assertEquals(
        List.of("docker_event:1", "docker_event:1"), feed(List.of(oom(100), oom(100 + later))));
  }

  @Test
  void aRestartStartsAfreshAndOtherContainersAreApart() {
    Map<String, Object> other = record("oom", 110, "0123" + "0".repeat(60));
    assertEquals(
        List.of("docker_event:1", "docker_event:1", "-", "docker_inspect:1"),
        feed(List.of(oom(100), other, record("container_start", 200, ID), stop(300, true))));
  }

  @Test
  void aStopThatWasNoOomAndRecordsWithoutAContainerAreLeftAlone() {
    Map<String, Object> host = record("oom", 100, "");
    assertEquals(List.of("-", "-"), feed(List.of(stop(100, false), host)));
    assertFalse(host.containsKey("oom_kill"));
  }
}
