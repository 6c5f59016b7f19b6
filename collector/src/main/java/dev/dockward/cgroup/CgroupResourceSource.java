package dev.dockward.cgroup;

import dev.dockward.event.ContainerInfo;
import dev.dockward.event.HostCapacity;
import dev.dockward.event.ResourceCounters;
import dev.dockward.event.ResourceLimits;
import dev.dockward.event.ResourceRates;
import dev.dockward.event.ResourceSampled;
import dev.dockward.host.HostFs;
import dev.dockward.source.EventSink;
import dev.dockward.source.PeriodicSource;
import dev.dockward.source.PeriodicWorker;
import dev.dockward.source.SourceHealth;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples the cgroup of every running container every {@code interval} and emits one {@link
 * ResourceSampled} (source {@value #NAME}) per container and sample, with the rates since that
 * container's previous sample.
 *
 * <p>The running containers come from a supplier (the Docker inventory); a container's cgroup is
 * found from its init pid's {@code /proc/<pid>/cgroup}, read once per run of the container. State
 * is kept per running container only: a container that is no longer supplied is forgotten, and a
 * restart (new init pid or start time) starts it afresh, so counters that restart from 0 never give
 * a negative rate.
 *
 * <p>An idle container costs little: its CPU time is read first, and when it has not moved since
 * the previous sample nothing in the cgroup ran, so nothing that only its processes change (CPU and
 * throttling, tasks, forks refused, OOM kills, I/O) can have changed; then only its memory in use
 * (reclaim shrinks it without the container running) and its traffic (received packets cost the
 * container nothing) are read, the rest is carried over. Every container is read whole at least
 * every {@value #FULL_READ_EVERY} samples, and at once when Docker reports other limits (limits
 * change without the container running).
 */
public final class CgroupResourceSource implements PeriodicSource {
  /** The source's name in events, logs and metrics. */
  public static final String NAME = "cgroup";

  /** An idle container is read whole at least every this many samples. */
  static final int FULL_READ_EVERY = 10;

  private static final Logger LOG = LoggerFactory.getLogger(CgroupResourceSource.class);

  private final HostFs host;
  private final int hostCpus;

  /** The host's capacity as read at the start of the current pass. */
  private HostCapacity capacity = HostCapacity.UNKNOWN;

  private final Supplier<? extends Collection<ContainerInfo>> running;
  private final Duration interval;
  private final Clock clock;
  private final ResourceRateCalculator rates;
  private final Optional<CgroupReader> reader;
  private final Map<String, Tracked> tracked = new HashMap<>();
  private final LongAdder processGone = new LongAdder();
  private final LongAdder samples = new LongAdder();
  private final LongAdder netDevErrors = new LongAdder();
  private final AtomicBoolean loggedNetDev = new AtomicBoolean();
  private final LongAdder quickSamples = new LongAdder();
  private final PeriodicWorker worker;
  private Instant startedAt;

  /**
   * What is known of one run of a container.
   *
   * @param limits the limits Docker reported at the last whole read
   * @param sinceFullRead samples since the last whole read
   */
  private record Tracked(
      long initPid,
      Optional<Instant> startedAt,
      List<CgroupLine> lines,
      ResourceRateCalculator.Sample last,
      ResourceLimits limits,
      int sinceFullRead) {}

  /**
   * @param host where /proc and /sys are; the cgroup hierarchies are found from its mountinfo
   * @param running the containers that run now (those without an init pid are skipped)
   * @param interval the pause between samples; positive
   * @param clock stamps the samples
   * @param hostCpus the host's CPUs, the basis of {@code cpu_fraction} for containers without a
   *     quota
   */
  public CgroupResourceSource(
      HostFs host,
      Supplier<? extends Collection<ContainerInfo>> running,
      Duration interval,
      Clock clock,
      int hostCpus) {
    this(
        host,
        running,
        interval,
        clock,
        hostCpus,
        CgroupReaders.forHost(Objects.requireNonNull(host, "host")));
  }

  CgroupResourceSource(
      HostFs host,
      Supplier<? extends Collection<ContainerInfo>> running,
      Duration interval,
      Clock clock,
      int hostCpus,
      Optional<CgroupReader> reader) {
    this.worker = new PeriodicWorker(NAME, "sample", interval);
    this.host = host;
    this.running = Objects.requireNonNull(running, "running");
    this.interval = interval;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.rates = new ResourceRateCalculator(hostCpus);
    this.hostCpus = hostCpus;
    this.reader = reader;
    this.startedAt = clock.instant();
  }

  @Override
  public String name() {
    return NAME;
  }

  /**
   * The reader's counters (missing, garbage, vanished cgroups), empty when no cgroup is mounted.
   */
  public Optional<CgroupReadStats> readStats() {
    return reader.map(CgroupReader::stats);
  }

  /** Containers whose init process was gone before its cgroup could be found. */
  public long processGone() {
    return processGone.sum();
  }

  /** Samples that ended with an unexpected exception (logged; the loop went on). */
  public long failedSamples() {
    return worker.failedPasses();
  }

  /** Container samples emitted so far. */
  public long samples() {
    return samples.sum();
  }

  /**
   * What was counted instead of failing, for the metrics endpoint: cgroup files missing, unreadable
   * or garbage, cgroups vanished mid-read, init processes gone, failed passes.
   */
  @Override
  public Map<String, Long> counters() {
    Map<String, Long> out = new LinkedHashMap<>();
    readStats()
        .ifPresent(
            s -> {
              out.put("missing_files", s.missing());
              out.put("unreadable", s.unreadable());
              out.put("parse_errors", s.parseErrors());
              out.put("vanished", s.vanished());
            });
    out.put("net_dev_errors", netDevErrors.sum());
    out.put("process_gone", processGone());
    out.put("failed_samples", failedSamples());
    return out;
  }

  @Override
  public synchronized void start(EventSink sink) {
    Objects.requireNonNull(sink, "sink");
    if (reader.isEmpty()) {
      LOG.warn(
          "{}: no cgroup hierarchy found in {}/self/mountinfo; no resource samples",
          NAME,
          host.proc());
      return;
    }
    LOG.info("{}: cgroup v{} every {}", NAME, reader.get().version(), interval);
    startedAt = clock.instant();
    worker.start(() -> sampleOnce(sink));
  }

  @Override
  public PeriodicWorker worker() {
    return worker;
  }

  @Override
  public SourceHealth health() {
    return reader.isEmpty()
        ? SourceHealth.degraded(
            "no cgroup hierarchy in " + host.proc() + "/self/mountinfo: no resource samples")
        : PeriodicSource.super.health();
  }

  @Override
  public boolean alive() {
    return reader.isEmpty() || PeriodicSource.super.alive();
  }

  /**
   * One round over the running containers. Not thread-safe: the source's thread calls it, or a test
   * does without {@link #start}.
   */
  void sampleOnce(EventSink sink) throws InterruptedException {
    if (reader.isEmpty()) {
      return;
    }
    Set<String> seen = new HashSet<>();
    capacity = hostCapacity();
    for (ContainerInfo c : running.get()) {
      if (c.initPid().isEmpty()) {
        continue;
      }
      seen.add(c.id());
      Optional<ResourceSampled> sample = sample(c);
      if (sample.isPresent()) {
        samples.increment();
        sink.accept(sample.get());
      }
    }
    tracked.keySet().retainAll(seen);
  }

  /** Samples that carried an idle container's counters over instead of reading them whole. */
  long quickSamples() {
    return quickSamples.sum();
  }

  /** The number of containers with state (those supplied by the last round). */
  int trackedContainers() {
    return tracked.size();
  }

  private Optional<ResourceSampled> sample(ContainerInfo c) {
    long pid = c.initPid().getAsLong();
    Tracked known = tracked.get(c.id());
    boolean sameRun =
        known != null && known.initPid() == pid && known.startedAt().equals(c.startedAt());
    List<CgroupLine> lines;
    if (sameRun) {
      lines = known.lines();
    } else {
      Optional<List<CgroupLine>> read = cgroupLines(pid);
      if (read.isEmpty()) {
        tracked.remove(c.id());
        return Optional.empty();
      }
      lines = read.get();
    }
    Optional<ResourceCounters> quick = sameRun ? quickRead(known, c, lines) : Optional.empty();
    Optional<ResourceCounters> counters = quick.isPresent() ? quick : reader.get().read(lines);
    if (counters.isEmpty()) {
      tracked.remove(c.id()); // stopped meanwhile; a restart is found afresh
      return Optional.empty();
    }
    Instant now = clock.instant();
    ResourceCounters read = counters.get().withNet(net(c, pid));
    ResourceRateCalculator.Sample sample = new ResourceRateCalculator.Sample(now, read);
    ResourceRates r =
        sameRun
            ? rates.between(known.last(), sample)
            : rates.first(sample, c.startedAt().map(t -> t.isAfter(startedAt)).orElse(false));
    tracked.put(
        c.id(),
        quick.isPresent()
            ? new Tracked(
                pid, c.startedAt(), lines, sample, known.limits(), known.sinceFullRead() + 1)
            : new Tracked(pid, c.startedAt(), lines, sample, c.limits(), 0));
    return Optional.of(new ResourceSampled(now, c, read, r, capacity));
  }

  /**
   * The counters of a container that ran nothing since its last sample: the last ones with its
   * memory in use read afresh (its traffic is read by the caller). Empty when a whole read is due,
   * its limits changed, its CPU time moved, or a figure cannot be read (the whole read says why).
   */
  private Optional<ResourceCounters> quickRead(
      Tracked known, ContainerInfo c, List<CgroupLine> lines) {
    ResourceCounters last = known.last().counters();
    if (known.sinceFullRead() + 1 >= FULL_READ_EVERY
        || !known.limits().equals(c.limits())
        || last.cpu().usageNanos().isEmpty()) {
      return Optional.empty();
    }
    OptionalLong cpu = reader.get().cpuUsageNanos(lines);
    if (!cpu.equals(last.cpu().usageNanos())) {
      return Optional.empty();
    }
    OptionalLong memory = reader.get().memoryUsageBytes(lines);
    if (memory.isEmpty() && last.memory().usageBytes().isPresent()) {
      return Optional.empty();
    }
    quickSamples.increment();
    ResourceCounters.Memory m = last.memory();
    return Optional.of(
        new ResourceCounters(
            last.cgroupVersion(),
            last.cpu(),
            new ResourceCounters.Memory(memory, m.limitBytes(), m.failcnt(), m.oomKills()),
            last.pids(),
            last.io(),
            last.net()));
  }

  /**
   * The host's CPUs, memory ({@code MemTotal}) and task limit (the smaller of {@code
   * kernel.pid_max} and {@code kernel.threads-max}), read once a pass (memory can be hot-plugged,
   * the limits changed by sysctl); what cannot be read is left unknown.
   */
  HostCapacity hostCapacity() {
    OptionalLong memory = OptionalLong.empty();
    try {
      for (String line :
          Files.readAllLines(host.proc().resolve("meminfo"), StandardCharsets.US_ASCII)) {
        if (line.startsWith("MemTotal:")) {
          String[] f = line.substring("MemTotal:".length()).trim().split("\\s+");
          memory =
              OptionalLong.of(
                  Long.parseLong(f[0]) * (f.length > 1 && f[1].equals("kB") ? 1024 : 1));
          break;
        }
      }
    } catch (IOException | RuntimeException e) {
      memory = OptionalLong.empty(); // unknown, never 0
    }
    OptionalLong pidMax = sysctl("sys/kernel/pid_max");
    OptionalLong threadsMax = sysctl("sys/kernel/threads-max");
    OptionalLong tasks =
        pidMax.isPresent() && threadsMax.isPresent()
            ? OptionalLong.of(Math.min(pidMax.getAsLong(), threadsMax.getAsLong()))
            : (pidMax.isPresent() ? pidMax : threadsMax);
    return new HostCapacity(OptionalLong.of(hostCpus), memory, tasks);
  }

  private OptionalLong sysctl(String relative) {
    try {
      long v =
          Long.parseLong(
              Files.readString(host.proc().resolve(relative), StandardCharsets.US_ASCII).trim());
      return v > 0 ? OptionalLong.of(v) : OptionalLong.empty();
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  /**
   * The traffic of the container's own network namespace; none for a container in the host's (it
   * would count the host's traffic) or in another container's (counted on that one).
   */
  private ResourceCounters.Net net(ContainerInfo c, long pid) {
    String mode = c.namespaces().network();
    if (mode.equals("host") || mode.startsWith("container:")) {
      return ResourceCounters.Net.NONE;
    }
    Path file = host.pidDir((int) pid).resolve("net/dev");
    try {
      Optional<ResourceCounters.Net> net = NetDevParser.parse(Files.readString(file));
      if (net.isPresent()) {
        return net.get();
      }
      netDevErrors.increment();
      if (loggedNetDev.compareAndSet(false, true)) {
        LOG.warn(
            "{}: {} is not what the kernel writes; network figures left out (further cases only counted)",
            NAME,
            file);
      }
    } catch (IOException | RuntimeException e) {
      netDevErrors
          .increment(); // the process ended since its cgroup was read, or the file is unreadable
    }
    return ResourceCounters.Net.NONE;
  }

  private Optional<List<CgroupLine>> cgroupLines(long pid) {
    try {
      Optional<List<CgroupLine>> lines =
          ProcCgroupParser.parse(Files.readString(host.pidDir((int) pid).resolve("cgroup")));
      if (lines.isEmpty()) {
        LOG.debug("{}: /proc/{}/cgroup is malformed", NAME, pid);
      }
      return lines;
    } catch (IOException e) {
      processGone.increment();
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    worker.stop();
  }
}
