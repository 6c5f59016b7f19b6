package dev.dockward.agent.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dockward.agent.cli.DockwardCli;
import dev.dockward.agent.journal.ChronicleJournal;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code replay --tree} and {@code --timeline} on a journal holding a recorded container session.
 */
class ReplayTreeCliTest {
  private static final String WEB = "ab".repeat(32);
  private static final String DB = "cd".repeat(32);

  @TempDir Path dir;

  private long seq;
  private final ObjectMapper json = new ObjectMapper();

  private Map<String, Object> record(
      String kind, String type, String time, String container, String name) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("schema", 1L);
    r.put("kind", kind);
    r.put("id", String.format("0123456789ab-%016x", ++seq));
    r.put("time", time);
    r.put("host", Map.of("name", "h", "id", "0123456789abcdef"));
    if (type != null) {
      r.put("type", type);
      r.put("source", "netlink");
    }
    r.put("container", Map.of("id", container, "name", name, "image", "img"));
    return r;
  }

  private Map<String, Object> exec(
      String time,
      String container,
      String name,
      long pid,
      long ppid,
      long start,
      String prog,
      String cmdline) {
    Map<String, Object> r = record("event", "exec", time, container, name);
    r.put(
        "process",
        Map.of(
            "pid",
            pid,
            "ppid",
            ppid,
            "start_time",
            start,
            "name",
            prog,
            "cmdline",
            cmdline,
            "uid",
            0L));
    return r;
  }

  private int replay(StringWriter out, String... args) {
    return DockwardCli.commandLine()
        .setOut(new PrintWriter(out))
        .setErr(new PrintWriter(new StringWriter()))
        .execute(args);
  }

  @Test
  void treeAndTimelineOfOneContainer() throws Exception {
    try (ChronicleJournal j = ChronicleJournal.openForWriting(dir, "hourly")) {
      Map<String, Object> start =
          record("event", "container_start", "2026-11-23T02:00:00.000Z", WEB, "web");
      start.put("already_running", false);
      for (Map<String, Object> r :
          List.of(
              start,
              exec("2026-11-23T02:00:00.100Z", WEB, "web", 100, 90, 1000, "sh", "sh"),
              exec("2026-11-23T02:00:01.000Z", DB, "db", 200, 190, 1000, "postgres", "postgres"),
              exec("2026-11-23T02:00:02.000Z", WEB, "web", 101, 100, 1100, "id", "id"))) {
        j.append(json.writeValueAsString(r));
      }
      Map<String, Object> alert = record("alert", null, "2026-11-23T02:00:00.100Z", WEB, "web");
      alert.put("rule", "shell_in_container");
      alert.put("severity", "medium");
      alert.put("summary", "shell sh in web");
      j.append(json.writeValueAsString(alert));
    }
    StringWriter tree = new StringWriter();
    assertEquals(
        0, replay(tree, "replay", "--journal", dir.toString(), "--tree", "--container", "web"));
    assertEquals(
        List.of(
            "2026-11-23T02:00:00.100Z  100 sh uid=0 [sh]",
            "2026-11-23T02:00:02.000Z    101 id uid=0 [id]"),
        tree.toString().lines().toList());

    StringWriter timeline = new StringWriter();
    assertEquals(
        0,
        replay(
            timeline, "replay", "--journal", dir.toString(), "--timeline", "--container", "web"));
    List<String> lines = timeline.toString().lines().toList();
    assertEquals(4, lines.size(), timeline.toString());
    assertTrue(lines.get(0).contains("event container_start container=web"), lines.get(0));
    assertTrue(lines.get(3).contains("MEDIUM shell_in_container container=web"), lines.get(3));
    assertTrue(lines.stream().noneMatch(l -> l.contains("postgres")), "only the asked container");

    assertEquals(2, replay(new StringWriter(), "replay", "--journal", dir.toString(), "--tree"));
  }
}
