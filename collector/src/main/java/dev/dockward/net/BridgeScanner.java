package dev.dockward.net;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Lists the bridges to capture on from {@code <sys>/class/net}: interfaces whose name matches one
 * of the configured globs ({@code docker0}, {@code br-*}: Docker names a user-defined bridge
 * network's device {@code br-<first 12 hex of the network id>}) and that are bridges (they have a
 * {@code bridge} directory); with each bridge's ports ({@code brif/}: the host ends of the
 * containers' veth pairs, each with its peer's ifindex, {@code iflink}), and every other interface
 * of the host. Rescanned periodically, so networks and containers created and removed later are
 * followed; an interface vanishing mid-scan is skipped.
 */
final class BridgeScanner {
  /**
   * A bridge port: its name, its bridge, and the ifindex of its veth peer (in the container's
   * namespace).
   */
  record Port(String name, String bridge, int peerIfindex) {}

  /**
   * What {@link #scan} found.
   *
   * @param bridges the matching bridges, by name, with their ifindex
   * @param ports their ports, by ifindex
   * @param notPorts the ifindex of every other interface (the bridges themselves included)
   */
  record Topology(Map<String, Integer> bridges, Map<Integer, Port> ports, Set<Integer> notPorts) {
    static final Topology EMPTY = new Topology(Map.of(), Map.of(), Set.of());
  }

  private final Path classNet;
  private final List<PathMatcher> patterns;
  private long unreadable;

  BridgeScanner(Path sysRoot, List<String> globs) {
    this.classNet = sysRoot.resolve("class/net");
    this.patterns =
        globs.stream().map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g)).toList();
  }

  /** The matching bridges now, by name, with their ifindex. */
  Map<String, Integer> scan() {
    return topology().bridges();
  }

  /** The bridges, their ports and the other interfaces now. */
  Topology topology() {
    Map<String, Integer> bridges = new TreeMap<>();
    Map<String, Integer> all = new HashMap<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(classNet)) {
      for (Path entry : entries) {
        Path name = entry.getFileName();
        int ifindex = readInt(entry.resolve("ifindex"));
        if (ifindex <= 0) {
          continue;
        }
        all.put(name.toString(), ifindex);
        if (patterns.stream().anyMatch(p -> p.matches(name))
            && Files.isDirectory(entry.resolve("bridge"))) {
          bridges.put(name.toString(), ifindex);
        }
      }
    } catch (IOException e) {
      unreadable++;
    }
    Map<Integer, Port> ports = new HashMap<>();
    for (String bridge : bridges.keySet()) {
      try (DirectoryStream<Path> brif =
          Files.newDirectoryStream(classNet.resolve(bridge).resolve("brif"))) {
        for (Path p : brif) {
          String port = p.getFileName().toString();
          Integer ifindex = all.get(port);
          int peer = readInt(classNet.resolve(port).resolve("iflink"));
          if (ifindex != null && peer > 0) {
            ports.put(ifindex, new Port(port, bridge, peer));
          }
        }
      } catch (IOException e) {
        unreadable++; // the bridge went away meanwhile
      }
    }
    Set<Integer> notPorts = new TreeSet<>(all.values());
    notPorts.removeAll(ports.keySet());
    return new Topology(bridges, ports, notPorts);
  }

  long unreadable() {
    return unreadable;
  }

  private int readInt(Path file) {
    try {
      return Integer.parseInt(Files.readString(file).trim());
    } catch (IOException | NumberFormatException e) {
      unreadable++; // removed between the listing and the read
      return -1;
    }
  }
}
