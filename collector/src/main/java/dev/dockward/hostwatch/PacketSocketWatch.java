package dev.dockward.hostwatch;

import dev.dockward.event.ContainerInfo;
import dev.dockward.event.Event;
import dev.dockward.event.PacketSocketSeen;
import dev.dockward.event.ProcessInfo;
import dev.dockward.host.HostFs;
import dev.dockward.proc.ProcReader;
import dev.dockward.source.SocketClaims;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/**
 * Packet sockets open in containers' network namespaces, from {@code /proc/<init pid>/net/packet}
 * (one small read per container per pass of the host watch). Each socket (by inode) is reported
 * once while it stays open, also at a container's first read (no ordinary container holds one); its
 * process is looked for among the host's processes only then. A socket the audit source reported at
 * its call (shared {@link SocketClaims}) is not reported again. Containers on the host's network
 * are skipped (their table is the host's), and so are those joined to another container's network
 * (its table, reported under it). Used by the host watch's thread only.
 */
final class PacketSocketWatch {
  /** One line of {@code net/packet}: {@code sk RefCnt Type Proto Iface R Rmem User Inode}. */
  record PacketSocket(long inode, int type, String protocol, int ifindex, long uid) {}

  /**
   * Sockets remembered per container at most; past that a new one is neither remembered nor
   * reported (counted).
   */
  static final int MAX_PER_CONTAINER = 256;

  private final HostFs host;
  private final ProcReader reader;

  /** Container id to the sockets reported while open. */
  private final Map<String, Set<Long>> seen = new HashMap<>();

  private final LongAdder full = new LongAdder();
  private final LongAdder unreadable = new LongAdder();

  private final SocketClaims claims;

  /**
   * @param claims the sockets already reported (shared with the audit source, which reports them at
   *     their call)
   */
  PacketSocketWatch(HostFs host, ProcReader reader, SocketClaims claims) {
    this.host = host;
    this.reader = reader;
    this.claims = claims;
  }

  void container(ContainerInfo c, int pid, Instant now, List<Event> out) {
    String network = c.namespaces().network();
    if ("host".equals(network) || network.startsWith("container:")) {
      return; // the host's table, or another container's (reported under that container)
    }
    String table;
    try {
      table = Files.readString(host.pidDir(pid).resolve("net/packet"), StandardCharsets.US_ASCII);
    } catch (IOException | RuntimeException e) {
      unreadable.increment(); // it stopped since the inventory listed it
      return;
    }
    List<PacketSocket> sockets = parse(table);
    Set<Long> reported = seen.computeIfAbsent(c.id(), k -> new HashSet<>());
    Set<Long> open = new HashSet<>();
    for (PacketSocket s : sockets) {
      open.add(s.inode());
      if (reported.contains(s.inode())) {
        continue;
      }
      if (reported.size() >= MAX_PER_CONTAINER) {
        full.increment();
        continue;
      }
      reported.add(s.inode());
      if (!claims.claim(s.inode())) {
        continue; // the audit source reported it at its socket() call
      }
      Optional<ProcessInfo> proc = holder(s.inode()).flatMap(reader::read);
      out.add(
          new PacketSocketSeen(
              now,
              HostWatch.SOURCE,
              proc,
              OptionalLong.of(s.inode()),
              PacketSocketSeen.typeName(s.type()),
              s.protocol(),
              s.ifindex(),
              s.uid(),
              Optional.of(c)));
    }
    reported.retainAll(open);
  }

  /** Forgets the containers not running any more. */
  void retain(Set<String> alive) {
    seen.keySet().retainAll(alive);
  }

  long full() {
    return full.sum();
  }

  long unreadable() {
    return unreadable.sum();
  }

  /** The lines of a {@code net/packet} table; malformed lines are skipped. */
  static List<PacketSocket> parse(String table) {
    List<PacketSocket> out = new ArrayList<>();
    for (String line : table.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length < 9 || f[0].equals("sk")) {
        continue;
      }
      try {
        out.add(
            new PacketSocket(
                Long.parseLong(f[8]),
                Integer.parseInt(f[2]),
                f[3],
                Integer.parseInt(f[4]),
                Long.parseLong(f[7])));
      } catch (NumberFormatException e) {
        // not a socket line
      }
    }
    return out;
  }

  /** The pid of a process with the socket among its descriptors, if one is found now. */
  private Optional<Integer> holder(long inode) {
    String link = "socket:[" + inode + "]";
    try (DirectoryStream<Path> pids =
        Files.newDirectoryStream(host.proc(), p -> p.getFileName().toString().matches("[0-9]+"))) {
      for (Path pidDir : pids) {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(pidDir.resolve("fd"))) {
          for (Path fd : fds) {
            if (link.equals(Files.readSymbolicLink(fd).toString())) {
              return Optional.of(Integer.parseInt(pidDir.getFileName().toString()));
            }
          }
        } catch (IOException | RuntimeException e) {
          // gone, or a kernel thread: next
        }
      }
    } catch (IOException | RuntimeException e) {
      unreadable.increment();
    }
    return Optional.empty();
  }
}
