package dev.dockward.hostwatch;

import dev.dockward.cgroup.CgroupMount;
import dev.dockward.cgroup.MountEntry;
import dev.dockward.cgroup.MountInfoParser;
import dev.dockward.event.ContainerInfo;
import dev.dockward.event.ContainerMountAdded;
import dev.dockward.event.Event;
import dev.dockward.event.HostFileChanged;
import dev.dockward.event.MountInfo;
import dev.dockward.host.HostFs;
import dev.dockward.proc.ProcReader;
import dev.dockward.source.SocketClaims;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * One pass over the files a container escape without a process of its own changes, compared with
 * the previous pass:
 *
 * <ul>
 *   <li>{@code <proc>/sys/kernel/core_pattern}: the kernel runs a pipe target as root on a crash;
 *   <li>{@code release_agent} of each cgroup v1 hierarchy the host mounts: the kernel runs it as
 *       root when a cgroup with {@code notify_on_release} empties. A container that mounts the same
 *       hierarchy writes this very file;
 *   <li>the cgroup mounts of each running container's init process: a cgroup file system that
 *       appeared after the agent first read the container, or one mounted outside {@code
 *       /sys/fs/cgroup} (where Docker puts its own), is reported, unless it is a host cgroup mount
 *       that came with a recursive bind of a host directory (with {@code -v /:/host}, {@code
 *       /host/sys/fs/cgroup/cpu} is the host's own mount: the container mounted nothing, and the
 *       bind is {@code sensitive_host_mount}'s at start); for a new v1 hierarchy no host mount
 *       shows, its {@code release_agent} and the {@code notify_on_release} of its top-level cgroups
 *       are watched through {@code /proc/<pid>/root};
 *   <li>block devices, debugfs and tracefs mounted in running containers ({@link
 *       DeviceMountWatch});
 *   <li>packet sockets open in containers' network namespaces ({@link PacketSocketWatch});
 *   <li>the kernel's module list ({@link KernelModuleWatch}).
 * </ul>
 *
 * A change is reported once per file and value in a pass, however many containers' mounts show the
 * file (one hierarchy mounted by several containers). With {@link #attributingWriters} it names the
 * process that wrote the file and that process's container, heard through fanotify marks.
 *
 * <p>A file seen for the first time is a baseline, except in a cgroup mount that is itself new:
 * there a set release_agent or notify_on_release is reported at once (mount and write may fall
 * within one pass). Unreadable files are counted, never fatal. Used by one thread.
 *
 * <p>What a pass remembers is bounded: a file that a pass no longer reads (its process, mount or
 * cgroup is gone) is forgotten, and at most {@value #MAX_CONTAINER_FILES} files seen through
 * containers are remembered. Past that, a new one is not remembered and counted ({@code
 * watch_full}); it is read afresh each pass and reported whenever set, as at first sight, so the
 * cap cannot hide a write. The host's own files are always remembered.
 */
public final class HostWatch implements WatchPass {
  static final String SOURCE = HostWatchSource.NAME;
  private static final String DOCKER_CGROUP_DIR = "/sys/fs/cgroup";

  /** Files under containers' cgroup mounts remembered at most: a hand-made mount has a few. */
  static final int MAX_CONTAINER_FILES = 1024;

  private final HostFs host;
  private final Supplier<? extends List<ContainerInfo>> running;

  /** The last value of each host file, by path. */
  private final Map<String, String> hostValues = new HashMap<>();

  /**
   * The last value of each file seen through a container, by path (pids and cgroup names in it).
   */
  private final Map<String, String> containerValues = new HashMap<>();

  /** The paths this pass compared: the others are forgotten at its end. */
  private Set<String> compared = new HashSet<>();

  private final LongAdder watchFull = new LongAdder();

  /** Per container: its init pid and the cgroup mounts it had when first read. */
  private final Map<String, Baseline> baselines = new HashMap<>();

  private final LongAdder unreadable = new LongAdder();
  private final KernelModuleWatch modules;
  private final DeviceMountWatch devices;
  private final PacketSocketWatch packets;
  private final Optional<ControlFileWriters> writers;

  /**
   * This pass: the running containers by id, and the value each changed file (by identity) was
   * reported with.
   */
  private Map<String, ContainerInfo> byId = Map.of();

  private Map<Object, String> changedThisPass = new HashMap<>();

  /**
   * This pass: the identities of the files compared or marked (the writers of others are
   * forgotten).
   */
  private Set<Object> watchedThisPass = new HashSet<>();

  /**
   * @param initial its cgroup mounts at the first read; @param reported the mounts reported since
   */
  private record Baseline(long initPid, Set<String> initial, Set<String> reported) {}

  /**
   * A watch that polls alone: a change names the container whose mount holds the file (fixtures).
   *
   * @param reader reads a module loader found alive when modules appear
   */
  public HostWatch(
      HostFs host, Supplier<? extends List<ContainerInfo>> running, ProcReader reader) {
    this(host, running, reader, Optional.empty(), new SocketClaims());
  }

  private HostWatch(
      HostFs host,
      Supplier<? extends List<ContainerInfo>> running,
      ProcReader reader,
      Optional<ControlFileWriters> writers,
      SocketClaims packetSockets) {
    this.host = Objects.requireNonNull(host, "host");
    this.running = Objects.requireNonNull(running, "running");
    this.modules = new KernelModuleWatch(host, Objects.requireNonNull(reader, "reader"));
    this.devices = new DeviceMountWatch(host);
    this.packets =
        new PacketSocketWatch(host, reader, Objects.requireNonNull(packetSockets, "packetSockets"));
    this.writers = writers;
  }

  /**
   * A watch that also hears who writes core_pattern, release agents and notify_on_release (fanotify
   * marks, {@link ControlFileWriters}): a change then names the writer and the writer's container
   * (or none, for a host process) instead of every container that sees the file. Where fanotify or
   * a mark fails, the change is still polled and named as by the plain watch, and the watch reports
   * itself degraded.
   *
   * @param packetSockets packet sockets already reported, shared with the audit source
   */
  public static HostWatch attributingWriters(
      HostFs host,
      Supplier<? extends List<ContainerInfo>> running,
      ProcReader reader,
      SocketClaims packetSockets) {
    return new HostWatch(
        host,
        running,
        reader,
        ControlFileWriters.open(Objects.requireNonNull(reader, "reader")),
        packetSockets);
  }

  /** Files or mount tables that could not be read (counted per read). */
  public long unreadable() {
    return unreadable.sum() + modules.unreadable();
  }

  @Override
  public Map<String, Long> counters() {
    return Map.of(
        "unreadable",
        unreadable()
            + writers.map(ControlFileWriters::unreadable).orElse(0L)
            + packets.unreadable(),
        "watch_full",
        watchFull.sum() + devices.full() + packets.full(),
        "mark_failures",
        writers.map(ControlFileWriters::markFailures).orElse(0L));
  }

  @Override
  public Optional<String> blindness() {
    return writers.flatMap(ControlFileWriters::failure);
  }

  @Override
  public void close() {
    writers.ifPresent(ControlFileWriters::close);
  }

  /** The changes since the previous pass. */
  @Override
  public List<Event> pass(Instant now) {
    compared =
        new HashSet<>(); // a fresh one: a cleared set would keep the table of the largest pass
    changedThisPass = new HashMap<>();
    watchedThisPass = new HashSet<>();
    List<Event> out = new ArrayList<>();
    Path corePattern = host.proc().resolve("sys/kernel/core_pattern");
    // Marked in each container's procfs too (below), before the host's file is compared.
    Object corePatternKey = writers.isPresent() ? fileKey(corePattern) : null;
    List<ContainerInfo> containers = running.get();
    writers.ifPresent(
        w ->
            containers.forEach(
                c ->
                    c.initPid()
                        .ifPresent(
                            pid -> {
                              Path own =
                                  host.pidDir((int) pid)
                                      .resolve("root/proc/sys/kernel/core_pattern");
                              Object ownKey = fileKey(own);
                              if (ownKey != null) {
                                watchedThisPass.add(ownKey);
                              }
                              w.watch(own, ownKey, corePatternKey);
                            })));
    compare("core_pattern", corePattern, false, Optional.empty(), now, out);
    String hostMountinfo = read(host.proc().resolve("self/mountinfo"));
    List<CgroupMount> hostMounts = MountInfoParser.cgroupMounts(hostMountinfo);
    List<MountEntry> hostAll = MountInfoParser.mounts(hostMountinfo);
    List<CgroupMount> hostV1 = hostMounts.stream().filter(m -> m.version() == 1).toList();
    Map<String, String> hostByPoint = new HashMap<>();
    hostMounts.forEach(m -> hostByPoint.putIfAbsent(m.mountPoint(), hierarchy(m)));
    Set<Set<String>> hostHierarchies = new HashSet<>();
    hostV1.forEach(m -> hostHierarchies.add(m.controllers()));
    // Containers first: one that mounted a host hierarchy of its own is the suspect when that
    // hierarchy's release_agent changes.
    Map<Set<String>, ContainerInfo> mountedBy = new HashMap<>();
    Set<String> alive = new HashSet<>();
    byId = new HashMap<>();
    containers.forEach(c -> byId.put(c.id(), c));
    for (ContainerInfo c : containers) {
      if (c.initPid().isPresent()) {
        alive.add(c.id());
        packets.container(c, (int) c.initPid().getAsLong(), now, out);
        container(
            c,
            (int) c.initPid().getAsLong(),
            hostHierarchies,
            hostByPoint,
            hostAll,
            mountedBy,
            now,
            out);
      }
    }
    baselines.keySet().retainAll(alive);
    devices.retain(alive);
    packets.retain(alive);
    for (CgroupMount m : hostV1) {
      compare(
          "release_agent",
          host.hostPath(m.mountPoint()).resolve("release_agent"),
          false,
          Optional.ofNullable(mountedBy.get(m.controllers())),
          now,
          out);
    }
    modules.pass(now, containers).ifPresent(out::add);
    writers.ifPresent(w -> w.retain(watchedThisPass));
    hostValues.keySet().retainAll(compared);
    containerValues.keySet().retainAll(compared);
    return out;
  }

  /** Files remembered now, the host's and those seen through containers. */
  int remembered() {
    return hostValues.size() + containerValues.size();
  }

  /**
   * @param hostByPoint the host's cgroup mounts: the {@link #hierarchy} mounted at each mount point
   */
  private void container(
      ContainerInfo c,
      int pid,
      Set<Set<String>> hostHierarchies,
      Map<String, String> hostByPoint,
      List<MountEntry> hostAll,
      Map<Set<String>, ContainerInfo> mountedBy,
      Instant now,
      List<Event> out) {
    Path pidDir = host.pidDir(pid);
    List<CgroupMount> mounts;
    try {
      String mountinfo = Files.readString(pidDir.resolve("mountinfo"), StandardCharsets.UTF_8);
      mounts = MountInfoParser.cgroupMounts(mountinfo);
      devices.container(c, pid, MountInfoParser.mounts(mountinfo), hostAll, now, out);
    } catch (IOException | RuntimeException e) {
      unreadable.increment(); // the container stopped since the inventory listed it
      return;
    }
    // A second mount on the same point (stacked on one that came with a bind) is a mount of its
    // own.
    List<String> keys = new ArrayList<>();
    Map<String, Integer> occurrences = new HashMap<>();
    for (CgroupMount m : mounts) {
      keys.add(key(m) + " #" + occurrences.merge(key(m), 1, Integer::sum));
    }
    Baseline baseline = baselines.get(c.id());
    boolean firstRead = baseline == null || baseline.initPid() != pid;
    if (firstRead) {
      baseline = new Baseline(pid, Set.copyOf(keys), new HashSet<>());
      baselines.put(c.id(), baseline);
    }
    Set<String> present = new HashSet<>(keys);
    List<CgroupMount> dockers = mounts.stream().filter(HostWatch::inDockersPlace).toList();
    for (int i = 0; i < mounts.size(); i++) {
      CgroupMount m = mounts.get(i);
      String key = keys.get(i);
      boolean added = !baseline.initial().contains(key);
      boolean unusualPlace =
          !inDockersPlace(m)
              && !(key.endsWith(" #1") && cameWithHostBind(c, m, hostByPoint, dockers));
      // reported once: a new mount, or one in an unusual place found at the first read
      if ((added || unusualPlace) && baseline.reported().add(key)) {
        out.add(
            new ContainerMountAdded(
                now,
                SOURCE,
                m.version() == 2 ? "cgroup2" : "cgroup",
                m.mountPoint(),
                m.root(),
                String.join(",", new TreeSet<>(m.controllers())),
                pid,
                Optional.of(c)));
      }
      boolean suspect = added || unusualPlace;
      if (m.version() == 1 && suspect) {
        Path mountDir = pidDir.resolve("root").resolve(relative(m.mountPoint()));
        if (hostHierarchies.contains(m.controllers())) {
          mountedBy.put(m.controllers(), c); // its release_agent is the host's, compared below
        } else {
          // A hierarchy the host does not mount: its release_agent is seen only through the
          // container.
          compare(
              "release_agent", mountDir.resolve("release_agent"), true, Optional.of(c), now, out);
        }
        for (Path child : children(mountDir)) {
          compare(
              "notify_on_release",
              child.resolve("notify_on_release"),
              true,
              Optional.of(c),
              now,
              out);
        }
      }
    }
    baseline.reported().retainAll(present); // an unmounted one, mounted again, is news again
  }

  /**
   * Reads a file and reports a change from its last value. A first read is a baseline unless {@code
   * throughContainer} and the value is set (not empty, not {@code 0}): a file in a container's own
   * cgroup mount is reported at first sight when set.
   */
  private void compare(
      String kind,
      Path file,
      boolean throughContainer,
      Optional<ContainerInfo> container,
      Instant now,
      List<Event> out) {
    String key = file.toString();
    String current;
    try {
      current = stripNewline(Files.readString(file, StandardCharsets.ISO_8859_1));
    } catch (NoSuchFileException e) {
      return; // a v1 hierarchy without release_agent (only roots have one), or a container gone
    } catch (IOException | RuntimeException e) {
      unreadable.increment();
      compared.add(key); // still there: its last value stays for the next pass
      return;
    }
    compared.add(key);
    Object fileKey = fileKey(file);
    if (fileKey != null) {
      watchedThisPass.add(fileKey);
    }
    writers.ifPresent(w -> w.watch(file, fileKey));
    Map<String, String> lastValues = throughContainer ? containerValues : hostValues;
    String previous;
    if (!throughContainer
        || lastValues.containsKey(key)
        || lastValues.size() < MAX_CONTAINER_FILES) {
      previous = lastValues.put(key, current);
    } else {
      watchFull.increment(); // counted per read; not remembered: read as new each pass, so reported
      // whenever set
      previous = null;
    }
    if (previous == null) {
      if (throughContainer && !current.isEmpty() && !current.equals("0")) {
        report(kind, key, Optional.empty(), current, container, fileKey, now, out);
      }
      return;
    }
    if (!previous.equals(current)) {
      report(kind, key, Optional.of(previous), current, container, fileKey, now, out);
    }
  }

  /**
   * Reports a change once per file (by identity) and value in a pass, however many mounts show the
   * file; named after its writer when one was heard, else after the container whose mount holds it.
   */
  private void report(
      String kind,
      String path,
      Optional<String> previous,
      String current,
      Optional<ContainerInfo> holder,
      Object fileKey,
      Instant now,
      List<Event> out) {
    if (fileKey != null && current.equals(changedThisPass.put(fileKey, current))) {
      return; // the same change, seen through another container's mount of the same hierarchy
    }
    Optional<ControlFileWriters.Writer> writer = writers.flatMap(w -> w.takeWriter(fileKey));
    if (writer.isEmpty()) {
      out.add(new HostFileChanged(now, SOURCE, kind, path, previous, current, holder));
      return;
    }
    Optional<ContainerInfo> container =
        writer.get().containerId().map(id -> byId.getOrDefault(id, ContainerInfo.unresolved(id)));
    out.add(
        new HostFileChanged(
            now, SOURCE, kind, path, previous, current, container, writer.get().proc()));
  }

  /** A file's identity (device and inode); null when it cannot be read. */
  private Object fileKey(Path file) {
    try {
      return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** A mount table; empty (and counted) when it cannot be read. */
  private String read(Path mountinfo) {
    try {
      return Files.readString(mountinfo, StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      unreadable.increment();
      return "";
    }
  }

  /** The directories directly below {@code dir}: the cgroups an attacker makes in the mount. */
  private List<Path> children(Path dir) {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, Files::isDirectory)) {
      for (Path p : entries) {
        out.add(p);
        if (out.size() >= 64) {
          break; // enough for an attacker's few; a mount with thousands is no hand-made one
        }
      }
    } catch (IOException | RuntimeException e) {
      unreadable.increment();
    }
    return out;
  }

  private static boolean inDockersPlace(CgroupMount m) {
    return m.mountPoint().equals(DOCKER_CGROUP_DIR)
        || m.mountPoint().startsWith(DOCKER_CGROUP_DIR + "/");
  }

  /**
   * Whether {@code m} is a mount that a bind of a host directory brought along: it lies under a
   * bind's destination, and at the corresponding place under the bind's source there is either a
   * host mount of the same hierarchy ({@code /host/sys/fs/cgroup/cpu} under {@code -v /:/host} is
   * the host's {@code /sys/fs/cgroup/cpu}) or, inside the container's own root file system on the
   * host, the very mount Docker made at {@code /sys/fs/cgroup} (same hierarchy, same cgroup: {@code
   * /host/var/lib/docker/…/<rootfs>/sys/fs/cgroup/cpu}, which the recursive bind copied when runc
   * had already mounted it).
   *
   * @param dockers the container's cgroup mounts under {@code /sys/fs/cgroup}
   */
  static boolean cameWithHostBind(
      ContainerInfo c, CgroupMount m, Map<String, String> hostByPoint, List<CgroupMount> dockers) {
    for (MountInfo bind : c.mounts()) {
      if (!"bind".equals(bind.type())
          || !bind.source().startsWith("/")
          || !bind.destination().startsWith("/")) {
        continue;
      }
      String destination = trimSlash(bind.destination());
      String point = m.mountPoint();
      if (!point.equals(destination) && !point.startsWith(destination + "/")) {
        continue;
      }
      String hostPoint = trimSlash(bind.source()) + point.substring(destination.length());
      if (hostPoint.isEmpty()) {
        hostPoint = "/";
      }
      if (hierarchy(m).equals(hostByPoint.get(hostPoint))) {
        return true;
      }
      for (CgroupMount own : dockers) {
        if (hostPoint.endsWith(own.mountPoint())
            && hierarchy(own).equals(hierarchy(m))
            && own.root().equals(m.root())) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * What identifies the hierarchy a mount shows: version and controllers (not where, not which
   * part).
   */
  private static String hierarchy(CgroupMount m) {
    return m.version() + " " + new TreeSet<>(m.controllers());
  }

  private static String trimSlash(String path) {
    String p = path;
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p;
  }

  private static String key(CgroupMount m) {
    return m.version()
        + " "
        + new TreeSet<>(m.controllers())
        + " "
        + m.root()
        + " "
        + m.mountPoint();
  }

  private static String relative(String absolute) {
    return absolute.startsWith("/") ? absolute.substring(1) : absolute;
  }

  private static String stripNewline(String s) {
    return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
  }
}
