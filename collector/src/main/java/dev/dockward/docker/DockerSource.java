package dev.dockward.docker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockward.event.ContainerInfo;
import dev.dockward.event.ContainerOomReported;
import dev.dockward.event.ContainerStarted;
import dev.dockward.event.ContainerStopped;
import dev.dockward.event.DockerExecStarted;
import dev.dockward.event.ExecInfo;
import dev.dockward.source.EventSink;
import dev.dockward.source.SourceHealth;
import dev.dockward.source.SupervisedSource;
import dev.dockward.source.SupervisedThread;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the {@link DockerInventory} current and emits {@code container_start}, {@code
 * container_stop}, {@code docker_exec} and {@code oom} events.
 *
 * <p>On each (re)connection it lists the running containers (emitting {@code container_start} with
 * {@code already_running} for the ones it did not know), then follows the event stream from just
 * before the listing, so a container started in between is seen once. When the daemon is
 * unreachable it warns once, keeps retrying with a doubling backoff, and the agent goes on with its
 * other sources.
 */
public final class DockerSource implements SupervisedSource {
  private static final Logger log = LoggerFactory.getLogger(DockerSource.class);
  private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);

  private final DockerApi api;
  private final DockerInventory inventory;
  private final Clock clock;
  private final Duration maxBackoff;
  private final Consumer<DaemonEvent> observer;
  private final CountDownLatch stop = new CountDownLatch(1);
  private final AtomicReference<DockerApi.EventStream> current = new AtomicReference<>();
  private final LongAdder connectFailures = new LongAdder();
  private final LongAdder inspectFailures = new LongAdder();
  private final ImageLoaderEnv imageEnv;
  private volatile SupervisedThread thread;

  /** Why the daemon cannot be followed now; null while its event stream is open. */
  private volatile String unreachable;

  public DockerSource(DockerApi api, DockerInventory inventory, Clock clock, Duration maxBackoff) {
    this(api, inventory, clock, maxBackoff, e -> {});
  }

  /**
   * @param observer sees every daemon event of every type (network, daemon, …) before it is
   *     handled, e.g. to audit the host's posture again, a {@code daemon connect} event of the
   *     source's own each time it (re)connects to the daemon, and a {@code daemon disconnect} once
   *     when it cannot reach it or the stream broke; it must return quickly
   */
  public DockerSource(
      DockerApi api,
      DockerInventory inventory,
      Clock clock,
      Duration maxBackoff,
      Consumer<DaemonEvent> observer) {
    this.api = api;
    this.inventory = inventory;
    this.clock = clock;
    this.maxBackoff = maxBackoff;
    this.observer = observer;
    this.imageEnv = ImageLoaderEnv.of(api);
  }

  @Override
  public String name() {
    return "docker";
  }

  @Override
  public void start(EventSink sink) {
    SupervisedThread t = new SupervisedThread("dockward-docker", () -> run(sink));
    thread = t;
    t.start();
  }

  @Override
  public Map<String, Long> counters() {
    return Map.of("connect_failures", connectFailures(), "inspect_failures", inspectFailures());
  }

  /** How many times the daemon could not be reached or its stream broke. */
  public long connectFailures() {
    return connectFailures.sum();
  }

  /** Containers that vanished between an event and their inspection, or answered with an error. */
  public long inspectFailures() {
    return inspectFailures.sum();
  }

  private void run(EventSink sink) {
    Duration backoff = FIRST_BACKOFF;
    boolean warned = false;
    boolean lostSaid = false;
    while (stop.getCount() > 0) {
      try {
        // A second of overlap: the stream replays it, duplicates are recognised in onStart.
        Instant since = clock.instant().minusSeconds(1);
        resync(sink);
        try (DockerApi.EventStream stream = api.events(since)) {
          current.set(stream);
          if (stop.getCount() == 0) {
            return;
          }
          log.info(
              "following Docker daemon {} ({} containers running)", api.host(), inventory.size());
          // Not a daemon event: the agent's own, so that what depends on the daemon is looked at
          // again.
          observe(
              new DaemonEvent(
                  "daemon", "connect", "", api.host().toString(), Map.of(), clock.instant()));
          lostSaid = false;
          warned = false;
          unreachable = null;
          backoff = FIRST_BACKOFF;
          Optional<JsonNode> next;
          while (stop.getCount() > 0 && (next = stream.next()).isPresent()) {
            DaemonEventParser.parse(next.get()).ifPresent(e -> handle(e, sink));
          }
        } finally {
          current.set(null);
        }
        if (stop.getCount() > 0) {
          connectFailures.increment();
          log.warn("Docker event stream from {} ended; reconnecting", api.host());
          lostSaid = sayLost(lostSaid);
        }
      } catch (IOException e) {
        if (stop.getCount() == 0) {
          return; // closing the stream is how close() ends a blocked read
        }
        connectFailures.increment();
        unreachable =
            "Docker daemon unreachable at "
                + api.host()
                + " ("
                + e.getMessage()
                + "): containers are known from /proc alone, without names, images or configuration";
        lostSaid = sayLost(lostSaid);
        if (!warned) {
          log.warn(
              "Docker daemon unreachable at {} ({}); watching through /proc alone, retrying with backoff",
              api.host(),
              e.getMessage());
          warned = true;
        } else {
          log.debug("Docker daemon still unreachable: {}", e.getMessage());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        if (stop.getCount() == 0) {
          return;
        }
        connectFailures.increment();
        log.warn("Docker source failed ({}); reconnecting", e.toString());
        lostSaid = sayLost(lostSaid);
      }
      try {
        if (stop.await(backoff.toMillis(), TimeUnit.MILLISECONDS)) {
          return;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      backoff =
          backoff.multipliedBy(2).compareTo(maxBackoff) > 0 ? maxBackoff : backoff.multipliedBy(2);
    }
  }

  /** Lists what runs now: new containers are reported, vanished ones stopped. */
  void resync(EventSink sink) throws IOException, InterruptedException {
    JsonNode list = api.get("/containers/json");
    Set<String> running = new HashSet<>();
    for (JsonNode summary : list) {
      String id = summary.path("Id").asText("");
      Optional<ContainerInfo> info = inspect(id);
      if (info.isEmpty()) {
        continue;
      }
      running.add(id);
      ContainerInfo c = info.get();
      if (!sameRun(inventory.byId(id), c)) {
        inventory.put(c);
        sink.accept(new ContainerStarted(clock.instant(), c, true));
      }
    }
    for (ContainerInfo known : inventory.all()) {
      if (!running.contains(known.id()) && known.initPid().isPresent()) {
        ContainerInfo stopped = stopped(known);
        inventory.put(stopped);
        sink.accept(new ContainerStopped(clock.instant(), stopped, OptionalInt.empty()));
      }
    }
  }

  /**
   * Tells the observer once per outage that the daemon is not followed ({@code daemon disconnect},
   * the source's own event, like {@code connect}): at the first failure to connect, or when the
   * stream broke. Returns that it was said.
   */
  private boolean sayLost(boolean said) {
    if (!said) {
      observe(
          new DaemonEvent(
              "daemon", "disconnect", "", api.host().toString(), Map.of(), clock.instant()));
    }
    return true;
  }

  private void observe(DaemonEvent e) {
    try {
      observer.accept(e);
    } catch (RuntimeException ex) {
      log.warn("Docker event observer failed on {} {}: {}", e.type(), e.action(), ex.toString());
    }
  }

  void handle(DaemonEvent e, EventSink sink) {
    observe(e);
    if (!"container".equals(e.type())) {
      return;
    }
    try {
      switch (e.action()) {
        case "start" -> onStart(e, sink);
        case "die" -> onDie(e, sink);
        case "destroy" -> inventory.remove(e.actorId());
        case "oom" -> sink.accept(new ContainerOomReported(e.time(), known(e)));
        case "exec_start" -> sink.accept(new DockerExecStarted(e.time(), known(e), exec(e)));
        case "rename", "update" -> inspect(e.actorId()).ifPresent(inventory::put);
        default -> {}
      }
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while delivering a Docker event", ie);
    }
  }

  private void onStart(DaemonEvent e, EventSink sink) throws InterruptedException {
    Optional<ContainerInfo> info = inspect(e.actorId());
    if (info.isEmpty()) {
      return;
    }
    ContainerInfo c = info.get();
    if (sameRun(inventory.byId(c.id()), c)) {
      return; // already reported by the listing that preceded the stream
    }
    inventory.put(c);
    sink.accept(new ContainerStarted(e.time(), c, false));
  }

  private void onDie(DaemonEvent e, EventSink sink) throws InterruptedException {
    ContainerInfo c = stopped(known(e));
    inventory.put(c);
    OptionalInt exit = OptionalInt.empty();
    try {
      exit = OptionalInt.of(Integer.parseInt(e.attributes().getOrDefault("exitCode", "")));
    } catch (NumberFormatException ignored) {
      // no exit code in this event
    }
    sink.accept(new ContainerStopped(e.time(), c, exit, oomKilled(e.actorId())));
  }

  /**
   * What the daemon says right after a container died: whether the OOM killer struck during the
   * run. A container killed before any cgroup sample of it is told OOM-killed here alone.
   */
  private Optional<Boolean> oomKilled(String id) {
    try {
      return ContainerInspectParser.oomKilled(api.get("/containers/" + id + "/json"));
    } catch (IOException ex) { // removed at once (--rm), or the daemon went away
      inspectFailures.increment();
      log.debug("container {} could not be inspected at its stop: {}", id, ex.getMessage());
      return Optional.empty();
    }
  }

  private ExecInfo exec(DaemonEvent e) {
    String execId = e.attributes().getOrDefault("execID", "");
    if (!execId.isEmpty()) {
      try {
        JsonNode pc = api.get("/exec/" + execId + "/json").path("ProcessConfig");
        StringBuilder cmd = new StringBuilder(pc.path("entrypoint").asText(""));
        pc.path("arguments").forEach(a -> cmd.append(' ').append(a.asText("")));
        return new ExecInfo(
            execId,
            cmd.toString(),
            pc.path("user").asText(""),
            pc.path("privileged").asBoolean(false),
            pc.path("tty").asBoolean(false));
      } catch (IOException ex) {
        inspectFailures.increment();
        log.debug("exec {} could not be inspected: {}", execId, ex.getMessage());
      }
    }
    // Older daemons give no execID: the action text still carries the command.
    return new ExecInfo(execId, e.detail(), "", false, false);
  }

  /** The inventory's view of the event's container, or what the event itself says of it. */
  private ContainerInfo known(DaemonEvent e) {
    return inventory.byId(e.actorId()).orElseGet(() -> fromAttributes(e));
  }

  private static ContainerInfo fromAttributes(DaemonEvent e) {
    Map<String, String> a = e.attributes();
    ContainerInfo bare = ContainerInfo.unresolved(e.actorId());
    return new ContainerInfo(
        bare.id(),
        a.getOrDefault("name", ""),
        a.getOrDefault("image", ""),
        "",
        Map.of(),
        false,
        bare.capAdd(),
        bare.capDrop(),
        bare.mounts(),
        bare.namespaces(),
        bare.securityOpt(),
        bare.limits(),
        OptionalLong.empty(),
        Map.of(),
        Optional.empty(),
        bare.ports());
  }

  private static ContainerInfo stopped(ContainerInfo c) {
    return new ContainerInfo(
        c.id(),
        c.name(),
        c.image(),
        c.imageId(),
        c.labels(),
        c.privileged(),
        c.capAdd(),
        c.capDrop(),
        c.mounts(),
        c.namespaces(),
        c.securityOpt(),
        c.limits(),
        OptionalLong.empty(),
        c.networks(),
        Optional.empty(),
        c.ports(),
        c.devices(),
        c.imageLoaderEnv());
  }

  private static boolean sameRun(Optional<ContainerInfo> known, ContainerInfo now) {
    return known.isPresent()
        && known.get().startedAt().isPresent()
        && known.get().startedAt().equals(now.startedAt());
  }

  private Optional<ContainerInfo> inspect(String id) {
    try {
      return Optional.of(
          imageEnv.attach(ContainerInspectParser.parse(api.get("/containers/" + id + "/json"))));
    } catch (IOException e) { // removed meanwhile (404), or the daemon went away
      inspectFailures.increment();
      log.debug("container {} could not be inspected: {}", id, e.getMessage());
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    stop.countDown();
    DockerApi.EventStream s = current.get();
    if (s != null) {
      s.close();
    }
    SupervisedThread t = thread;
    if (t != null) {
      t.stop(Duration.ofSeconds(5));
    }
    api.close();
  }

  @Override
  public SourceHealth health() {
    String u = unreachable;
    SourceHealth daemon = u == null ? SourceHealth.running() : SourceHealth.degraded(u);
    return SupervisedSource.super.health().and(daemon);
  }

  @Override
  public Optional<SupervisedThread> supervisor() {
    return Optional.ofNullable(thread);
  }
}
