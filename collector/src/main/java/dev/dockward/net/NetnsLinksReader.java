package dev.dockward.net;

import dev.dockward.event.ContainerInfo;
import dev.dockward.host.HostFs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which container is behind which bridge port. A container's interface is the peer of a veth whose
 * host end is a bridge port; the host end's {@code iflink} is the container end's ifindex. The
 * interfaces of a container's network namespace are read from {@code <proc>/<pid>/net/dev_mcast}
 * and {@code if_inet6}: the kernel writes them for the namespace of the pid, so a process in the
 * container cannot change what they say (its own file system plays no part).
 *
 * <p>Read once per container and first process, again when asked ({@link #refresh}, at each bridge
 * rescan: a container attached to another network meanwhile gets a new interface).
 */
final class NetnsLinksReader {
  private record Key(String id, long pid) {}

  private final HostFs hostFs;
  private final Map<Key, Set<Integer>> cache = new HashMap<>();
  private long unreadable;

  NetnsLinksReader(HostFs hostFs) {
    this.hostFs = hostFs;
  }

  /** Forgets what was read, so the next {@link #byIfindex} reads every container again. */
  void refresh() {
    cache.clear();
  }

  /** The running containers by the ifindex of each interface in their network namespace. */
  Map<Integer, List<ContainerInfo>> byIfindex(Collection<ContainerInfo> running) {
    Map<Key, Set<Integer>> seen = new HashMap<>();
    Map<Integer, List<ContainerInfo>> out = new HashMap<>();
    for (ContainerInfo c : running) {
      if (c.initPid().isEmpty()) {
        continue;
      }
      Key key = new Key(c.id(), c.initPid().getAsLong());
      Set<Integer> links = cache.get(key);
      if (links == null) {
        links = read(hostFs.pidDir((int) key.pid()).resolve("net"));
      }
      seen.put(key, links);
      for (int ifindex : links) {
        out.computeIfAbsent(ifindex, k -> new ArrayList<>(1)).add(c);
      }
    }
    cache.clear();
    cache.putAll(seen); // containers gone are forgotten
    return out;
  }

  long unreadable() {
    return unreadable;
  }

  private Set<Integer> read(Path net) {
    Set<Integer> links = new HashSet<>();
    parse(net.resolve("dev_mcast"), 0, links);
    parse(net.resolve("if_inet6"), 1, links);
    links.remove(1); // loopback
    return links;
  }

  /**
   * Adds the ifindex in column {@code column} of each line: {@code dev_mcast} is "ifindex name
   * users global address", {@code if_inet6} "address ifindex-in-hex prefix scope flags name".
   */
  private void parse(Path file, int column, Set<Integer> into) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      unreadable++; // the process ended, or no IPv6 in that namespace
      return;
    }
    for (String line : lines) {
      String[] f = line.trim().split("\\s+");
      if (f.length <= column) {
        continue;
      }
      try {
        into.add(Integer.parseInt(f[column], column == 0 ? 10 : 16));
      } catch (NumberFormatException e) {
        unreadable++;
      }
    }
  }
}
