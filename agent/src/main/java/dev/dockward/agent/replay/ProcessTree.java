package dev.dockward.agent.replay;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A container's process tree rebuilt from recorded {@code exec} and {@code exit} events: each
 * process is known by (pid, start time), so a reused pid never merges two processes; a process that
 * exec'd several programs shows them in order; its parent is the process with its ppid that was
 * alive when it started.
 */
public final class ProcessTree {
  /** One process: what it ran, when, as whom, and how it ended. */
  static final class Node {
    final long pid;
    final long ppid;
    final long startTime;
    final Instant firstSeen;
    final List<String> programs = new ArrayList<>();
    String cmdline = "";
    Optional<Long> uid = Optional.empty();
    Optional<String> end = Optional.empty();
    final List<Node> children = new ArrayList<>();

    Node(long pid, long ppid, long startTime, Instant firstSeen) {
      this.pid = pid;
      this.ppid = ppid;
      this.startTime = startTime;
      this.firstSeen = firstSeen;
    }
  }

  private final Map<String, Node> byIdentity = new LinkedHashMap<>();
  private final Map<Long, List<Node>> byPid = new HashMap<>();

  /** Takes one record; anything but an exec or exit event with a process is ignored. */
  public void add(Map<String, Object> record) {
    if (!(record.get("process") instanceof Map<?, ?> p) || !(p.get("pid") instanceof Number pid)) {
      return;
    }
    String type = String.valueOf(record.get("type"));
    long startTime = p.get("start_time") instanceof Number n ? n.longValue() : -1;
    Optional<Instant> time = ReplayQuery.timeOf(record);
    if ("exec".equals(type) && time.isPresent()) {
      Node node =
          byIdentity.computeIfAbsent(
              pid.longValue() + "/" + startTime,
              k -> {
                Node fresh =
                    new Node(
                        pid.longValue(),
                        p.get("ppid") instanceof Number pp ? pp.longValue() : -1,
                        startTime,
                        time.get());
                byPid.computeIfAbsent(fresh.pid, x -> new ArrayList<>()).add(fresh);
                return fresh;
              });
      String name = String.valueOf(p.get("name"));
      if (!name.isEmpty()
          && (node.programs.isEmpty()
              || !node.programs.get(node.programs.size() - 1).equals(name))) {
        node.programs.add(name);
      }
      if (p.get("cmdline") instanceof String c && !c.isEmpty()) {
        node.cmdline = c;
      }
      if (p.get("uid") instanceof Number u) {
        node.uid = Optional.of(u.longValue());
      }
    } else if ("exit".equals(type) && record.get("exit") instanceof Map<?, ?> x) {
      Node node = byIdentity.get(pid.longValue() + "/" + startTime);
      if (node != null) {
        StringBuilder end = new StringBuilder("exited");
        if (x.get("signal") instanceof Number s && s.longValue() != 0) {
          end.append(" on signal ").append(s);
        } else if (x.get("status") instanceof Number s) {
          end.append(" ").append(s);
        }
        if (x.get("lifetime_ms") instanceof Number ms) {
          end.append(" after ")
              .append(Duration.ofMillis(ms.longValue()).toString().substring(2).toLowerCase());
        }
        node.end = Optional.of(end.toString());
      }
    }
  }

  /** The tree as indented lines, roots and children in start order. */
  public List<String> render() {
    List<Node> roots = new ArrayList<>();
    for (Node n : byIdentity.values()) {
      Optional<Node> parent = parentOf(n);
      if (parent.isPresent()) {
        parent.get().children.add(n);
      } else {
        roots.add(n);
      }
    }
    List<String> lines = new ArrayList<>();
    roots.sort(Comparator.comparing((Node n) -> n.firstSeen).thenComparingLong(n -> n.startTime));
    for (Node root : roots) {
      render(root, 0, lines);
    }
    return lines;
  }

  /** The process with the child's ppid that had started before the child (the latest such one). */
  private Optional<Node> parentOf(Node child) {
    return byPid.getOrDefault(child.ppid, List.of()).stream()
        .filter(candidate -> candidate != child && candidate.startTime <= child.startTime)
        .max(Comparator.comparingLong(candidate -> candidate.startTime));
  }

  private static void render(Node n, int depth, List<String> lines) {
    StringBuilder b = new StringBuilder();
    b.append(dev.dockward.event.Timestamps.format(n.firstSeen))
        .append("  ")
        .append("  ".repeat(depth));
    b.append(n.pid).append(' ').append(String.join(" → ", n.programs));
    n.uid.ifPresent(u -> b.append(" uid=").append(u));
    if (!n.cmdline.isEmpty()) {
      b.append(" [").append(n.cmdline).append(']');
    }
    n.end.ifPresent(e -> b.append(" (").append(e).append(')'));
    lines.add(dev.dockward.agent.ship.TextLine.escapeControls(b.toString()));
    n.children.sort(
        Comparator.comparingLong((Node c) -> c.startTime).thenComparing(c -> c.firstSeen));
    for (Node child : n.children) {
      render(child, depth + 1, lines);
    }
  }
}
