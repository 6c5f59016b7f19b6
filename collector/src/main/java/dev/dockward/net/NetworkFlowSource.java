package dev.dockward.net;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import dev.dockward.event.ContainerInfo;
import dev.dockward.event.FlowObserved;
import dev.dockward.host.HostFs;
import dev.dockward.source.EventSink;
import dev.dockward.source.SourceHealth;
import dev.dockward.source.SupervisedSource;
import dev.dockward.source.SupervisedThread;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Captures on {@code docker0} and every user-defined Docker bridge and reports {@code flow} events
 * (source {@code network}). Every frame is captured once, where it enters the bridge: one ring
 * receives the frames that enter through the containers' ports (a socket bound to no interface,
 * whose filter keeps frames received by bridge ports; each frame comes with its port's ifindex,
 * which tells the sender whatever addresses it wrote), and one ring per bridge the frames the host
 * sends into it. No interface is put in promiscuous mode.
 *
 * <p>One thread polls the rings, parses frames, keeps the flow table, and once a second ends idle
 * flows, rebuilds the address and port index from the inventory and publishes its counters; every
 * {@code rescanInterval} it looks for bridges and ports that appeared or vanished (a bridge that
 * cannot be opened is retried at the next rescan, never fatal). A frame from a port not seen yet (a
 * container just started) makes it look again at once, at most every 100 ms.
 *
 * <p>It reports what it saw; each flow passes the {@link FlowJudgement} it was opened with (the
 * agent's network policy, learning and scan counts) on its way out, on this thread.
 *
 * <p>When the pipeline is full the thread waits in {@link EventSink#accept}; frames then queue in
 * the kernel ring and, once it is full, the kernel drops them — counted as {@code
 * kernel_packets_dropped} from {@code PACKET_STATISTICS}.
 */
public final class NetworkFlowSource implements SupervisedSource {
  private static final Logger log = LoggerFactory.getLogger(NetworkFlowSource.class);
  private static final int POLL_MILLIS = 200;
  private static final long SWEEP_MILLIS = 1_000;

  /** The least time between two looks for new ports prompted by frames of an unknown interface. */
  private static final long PORT_LOOK_MILLIS = 100;

  /** The name of the ring of the containers' ports in logs. */
  private static final String PORTS = "bridge ports";

  /**
   * @param interfaces globs of bridge names to capture on
   * @param snapLength bytes of each frame copied to the ring (headers only)
   * @param ringBytes the size of each ring (the ports' ring, and each bridge's)
   * @param rescanInterval how often bridges are looked for
   * @param flows the flow table's bounds
   */
  public record Settings(
      List<String> interfaces,
      int snapLength,
      long ringBytes,
      Duration rescanInterval,
      FlowTable.Settings flows) {
    public Settings {
      interfaces = List.copyOf(interfaces);
      if (snapLength < 64 || snapLength > 65_535) {
        throw new IllegalArgumentException("snap length must be 64..65535, not " + snapLength);
      }
      Objects.requireNonNull(rescanInterval, "rescanInterval");
      Objects.requireNonNull(flows, "flows");
    }
  }

  private final BridgeScanner scanner;
  private final NetnsLinksReader netns;
  private final Supplier<Collection<ContainerInfo>> containers;
  private final Clock clock;
  private final Settings settings;
  private final FrameParser parser = new FrameParser();
  private final FlowTable table;
  private final FlowResolver resolver = new FlowResolver();
  private final FlowJudgement judgement;
  private final Map<String, PacketRing> rings = new LinkedHashMap<>();

  /** A table report; {@code established} ones only feed learning. */
  private record Report(FlowRecord record, boolean established) {}

  private final List<Report> pending = new ArrayList<>();
  private final FlowTable.Listener collect =
      new FlowTable.Listener() {
        @Override
        public void flow(FlowRecord record) {
          pending.add(new Report(record, false));
        }

        @Override
        public void established(FlowRecord record) {
          if (judgement.learns()) {
            pending.add(new Report(record, true));
          }
        }
      };
  private final Map<String, PacketRing.FrameHandler> handlers = new HashMap<>();
  private final PacketRing.FrameHandler portHandler = this::portFrame;
  private PacketRing portsRing;
  private BridgeScanner.Topology topology = BridgeScanner.Topology.EMPTY;
  private Set<Integer> filteredOut = Set.of();
  private long lastPortLook;
  private long framesUnknownPort;
  private long framesNotPort;
  private volatile boolean scanned;
  private volatile boolean noBridge;
  private volatile boolean portsUnavailable;
  private volatile Map<String, Long> counters = Map.of();
  private volatile boolean running = true;
  private volatile boolean rescanRequested;
  private volatile SupervisedThread thread;
  private long closedRingPackets;
  private long closedRingDrops;
  private long openFailures;
  private long opened;
  private long vanished;
  private List<IpAddress> hostAddresses = List.of();
  private int[] polledFds = new int[0];

  private NetworkFlowSource(
      HostFs hostFs,
      Supplier<Collection<ContainerInfo>> containers,
      Clock clock,
      Settings settings,
      FlowJudgement judgement) {
    this.scanner = new BridgeScanner(hostFs.sys(), settings.interfaces());
    this.netns = new NetnsLinksReader(hostFs);
    this.containers = containers;
    this.clock = clock;
    this.settings = settings;
    this.table = new FlowTable(settings.flows());
    this.judgement = Objects.requireNonNull(judgement, "judgement");
  }

  /**
   * Checks that packet sockets can be opened here and prepares the source.
   *
   * @param containers the running containers, asked once a second to resolve addresses
   * @param judgement makes what adds the verdict to each flow before it is delivered (the agent's);
   *     asked once capture is known to work
   * @throws CaptureUnavailableException without the right to capture (not root, no CAP_NET_RAW)
   */
  public static NetworkFlowSource open(
      HostFs hostFs,
      Supplier<Collection<ContainerInfo>> containers,
      Clock clock,
      Settings settings,
      Supplier<? extends FlowJudgement> judgement)
      throws CaptureUnavailableException {
    PacketRing.probe();
    return new NetworkFlowSource(hostFs, containers, clock, settings, judgement.get());
  }

  /** The same delivering the facts alone, without a verdict ({@link FlowJudgement#NONE}). */
  public static NetworkFlowSource open(
      HostFs hostFs, Supplier<Collection<ContainerInfo>> containers, Clock clock, Settings settings)
      throws CaptureUnavailableException {
    return open(hostFs, containers, clock, settings, () -> FlowJudgement.NONE);
  }

  @Override
  public String name() {
    return "network";
  }

  @Override
  public synchronized void start(EventSink sink) {
    if (thread != null) {
      throw new IllegalStateException("already started");
    }
    judgement.start();
    thread = new SupervisedThread("dockward-network", () -> run(sink));
    thread.start();
  }

  /** Looks for bridges that appeared or vanished at the next turn of the loop (within ~200 ms). */
  public void rescanNow() {
    rescanRequested = true;
  }

  /** What judges the flows before they are delivered (a policy reload reaches it here). */
  public FlowJudgement judgement() {
    return judgement;
  }

  @Override
  public Map<String, Long> counters() {
    return counters;
  }

  @Override
  public void close() {
    running = false;
    SupervisedThread t = thread;
    if (t != null && !t.isCurrent()) {
      t.join(Duration.ofSeconds(5)); // not interrupted: the loop ends flows as it stops
    }
    judgement.close(); // saves what its writer has not saved yet
  }

  @Override
  public Optional<SupervisedThread> supervisor() {
    return Optional.ofNullable(thread);
  }

  /**
   * Degraded, beside a failed thread, while there is no Docker bridge to capture on (no Docker
   * daemon, or networks that use none) or the containers' ports cannot be captured.
   */
  @Override
  public SourceHealth health() {
    SourceHealth h = SupervisedSource.super.health();
    if (scanned && noBridge) {
      h =
          h.and(
              SourceHealth.degraded(
                  "no Docker bridge to capture on ("
                      + String.join(", ", settings.interfaces())
                      + "): no flow events until one appears"));
    }
    if (scanned && portsUnavailable) {
      h =
          h.and(
              SourceHealth.degraded(
                  "cannot capture on the containers' bridge ports: no flows between containers"));
    }
    return h;
  }

  private void run(EventSink sink) {
    long nextRescan = 0;
    long nextSweep = 0;
    Memory pollFds = null;
    List<PacketRing> polled = List.of();
    try {
      while (running) {
        long now = clock.millis();
        if (now >= nextRescan || rescanRequested) {
          rescanRequested = false;
          rescan();
          List<PacketRing> all = new ArrayList<>(rings.values());
          if (portsRing != null) {
            all.add(portsRing);
          }
          polled = List.copyOf(all);
          pollFds = pollSet(polled);
          nextRescan = now + settings.rescanInterval().toMillis();
        }
        waitForFrames(pollFds, polled.size());
        for (PacketRing ring : polled) {
          ring.drain(
              ring == portsRing
                  ? portHandler
                  : handlers.computeIfAbsent(ring.iface(), this::handler));
        }
        now = clock.millis();
        if (now >= nextSweep) {
          Collection<ContainerInfo> running = containers.get();
          resolver.useIndex(
              EndpointIndex.of(running, hostAddresses, topology.ports(), netns.byIfindex(running)));
          table.sweep(now, collect);
          judgement.sweep(now);
          nextSweep = now + SWEEP_MILLIS;
          publishCounters();
        }
        deliver(sink);
      }
      table.endAll(FlowRecord.EndReason.STOPPED, collect);
      deliver(sink);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      // A failure closes the rings too; the supervisor starts the capture again from a rescan.
      for (PacketRing ring : rings.values()) {
        closeRing(ring);
      }
      rings.clear();
      if (portsRing != null) {
        closeRing(portsRing);
        portsRing = null;
      }
      publishCounters();
    }
  }

  /**
   * One handler per bridge, made once (no lambda is allocated per frame): frames the host sent into
   * it.
   */
  private PacketRing.FrameHandler handler(String iface) {
    return (buffer, offset, captured, wire, millis, ifindex) -> {
      Optional<FrameFacts> facts = parser.parse(buffer, offset, captured, wire);
      if (facts.isPresent()) {
        table.observe(facts.get(), iface, FlowRecord.FROM_HOST, millis, collect);
      }
    };
  }

  /** A frame that entered a bridge through the port {@code ifindex}. */
  private void portFrame(
      ByteBuffer buffer, int offset, int captured, int wire, long millis, int ifindex) {
    BridgeScanner.Port port = topology.ports().get(ifindex);
    if (port == null) {
      if (topology.notPorts().contains(ifindex)) {
        framesNotPort++; // an interface beyond what the kernel filter excludes
        return;
      }
      long now = clock.millis();
      if (now - lastPortLook >= PORT_LOOK_MILLIS) {
        lastPortLook = now; // a new interface, most likely a container's port: look now
        lookForPorts();
        port = topology.ports().get(ifindex);
      }
      if (port == null) {
        framesUnknownPort++;
        return;
      }
    }
    Optional<FrameFacts> facts = parser.parse(buffer, offset, captured, wire);
    if (facts.isPresent()) {
      table.observe(facts.get(), port.bridge(), ifindex, millis, collect);
    }
  }

  /**
   * Reads the bridges and ports again and tells the ports' filter which interfaces are none; a
   * bridge that appeared or vanished is handled by the next loop turn's rescan.
   */
  private void lookForPorts() {
    BridgeScanner.Topology now = scanner.topology();
    if (!now.bridges().equals(topology.bridges())) {
      rescanRequested = true;
    }
    topology = now;
    noBridge = now.bridges().isEmpty();
    if (portsRing != null && !now.notPorts().equals(filteredOut)) {
      try {
        portsRing.replaceFilter(HeaderFilter.fromPorts(settings.snapLength(), now.notPorts()));
        filteredOut = now.notPorts();
      } catch (LastErrorException e) {
        log.warn("cannot update the filter of the {} ring: {}", PORTS, e.getMessage());
      }
    }
  }

  private void deliver(EventSink sink) throws InterruptedException {
    if (pending.isEmpty()) {
      return;
    }
    List<FlowObserved> events = new ArrayList<>(pending.size());
    Instant now = clock.instant();
    for (Report r : pending) {
      if (r.established()) {
        resolver.established(r.record(), now).ifPresent(judgement::established);
      } else {
        events.add(judgement.judge(resolver.event(r.record(), now), now));
      }
    }
    pending.clear();
    for (FlowObserved e : events) {
      sink.accept(e);
    }
  }

  private void waitForFrames(Memory pollFds, int count) throws InterruptedException {
    if (count == 0) {
      Thread.sleep(POLL_MILLIS); // no bridge yet: wait for the next rescan without spinning
      return;
    }
    try {
      pollFds.clear(8L * count);
      for (int i = 0; i < count; i++) {
        pollFds.setInt(8L * i, polledFds[i]);
        pollFds.setShort(8L * i + 4, (short) (PacketLibC.POLLIN | PacketLibC.POLLERR));
      }
      PacketLibC.poll(pollFds, count, POLL_MILLIS);
    } catch (LastErrorException e) {
      if (e.getErrorCode() != PacketLibC.EINTR) {
        throw e;
      }
    }
  }

  private Memory pollSet(List<PacketRing> polled) {
    polledFds = polled.stream().mapToInt(PacketRing::fd).toArray();
    return polled.isEmpty() ? null : new Memory(8L * polled.size());
  }

  /**
   * Opens rings on new bridges, closes those of vanished (or re-created) ones, and the ports' ring
   * once.
   */
  private void rescan() {
    netns.refresh(); // a container attached to another network since has a new interface
    lookForPorts();
    scanned = true;
    Map<String, Integer> bridges = topology.bridges();
    Iterator<Map.Entry<String, PacketRing>> it = rings.entrySet().iterator();
    while (it.hasNext()) {
      PacketRing ring = it.next().getValue();
      Integer ifindex = bridges.get(ring.iface());
      if (ifindex == null || ifindex != ring.ifindex()) {
        log.info("bridge {} is gone: capture on it stopped", ring.iface());
        closeRing(ring);
        it.remove();
        vanished++;
      }
    }
    for (Map.Entry<String, Integer> bridge : bridges.entrySet()) {
      if (rings.containsKey(bridge.getKey())) {
        continue;
      }
      try {
        rings.put(
            bridge.getKey(),
            PacketRing.open(
                bridge.getKey(),
                bridge.getValue(),
                settings.snapLength(),
                settings.ringBytes(),
                HeaderFilter.fromHost(settings.snapLength()),
                false));
        opened++;
        log.info("capturing on bridge {} (ifindex {})", bridge.getKey(), bridge.getValue());
      } catch (CaptureUnavailableException | LastErrorException e) {
        openFailures++;
        log.warn(
            "cannot capture on bridge {}: {} (retried at the next rescan)",
            bridge.getKey(),
            e.getMessage());
      }
    }
    if (portsRing == null && !bridges.isEmpty()) {
      try {
        portsRing =
            PacketRing.open(
                PORTS,
                0,
                settings.snapLength(),
                settings.ringBytes(),
                HeaderFilter.fromPorts(settings.snapLength(), topology.notPorts()),
                true);
        filteredOut = topology.notPorts();
        portsUnavailable = false;
        log.info("capturing on the {} of {}", PORTS, String.join(", ", bridges.keySet()));
      } catch (CaptureUnavailableException | LastErrorException e) {
        openFailures++;
        portsUnavailable = true;
        log.warn(
            "cannot capture on the {}: {} (retried at the next rescan)", PORTS, e.getMessage());
      }
    }
    hostAddresses = hostAddresses();
  }

  private void closeRing(PacketRing ring) {
    try {
      ring.close();
    } catch (LastErrorException e) {
      log.debug("closing the ring of {}: {}", ring.iface(), e.toString());
    }
    closedRingPackets += ring.kernelPackets();
    closedRingDrops += ring.kernelDrops();
  }

  private void publishCounters() {
    long packets = closedRingPackets;
    long drops = closedRingDrops;
    List<PacketRing> open = new ArrayList<>(rings.values());
    if (portsRing != null) {
      open.add(portsRing);
    }
    for (PacketRing ring : open) {
      ring.readStatistics();
      packets += ring.kernelPackets();
      drops += ring.kernelDrops();
    }
    Map<String, Long> m = new LinkedHashMap<>();
    // Monotonic counts only (the metrics endpoint exports them as counters): open rings are
    // bridges_opened - bridges_vanished, active flows flows_started - flows_ended.
    m.put("bridges_opened", opened);
    m.put("bridge_open_failures", openFailures);
    m.put("bridges_vanished", vanished);
    m.put("bridges_unreadable", scanner.unreadable());
    m.put("frames_unknown_port", framesUnknownPort);
    m.put("frames_not_port", framesNotPort);
    m.put("netns_unreadable", netns.unreadable());
    m.put("kernel_packets", packets);
    m.put("kernel_packets_dropped", drops);
    m.putAll(parser.counters());
    m.putAll(table.counters());
    m.put("peers_ambiguous", resolver.ambiguous());
    m.put("flows_spoofed", resolver.spoofed());
    m.putAll(judgement.counters());
    counters = Collections.unmodifiableMap(m);
  }

  /** The host's own addresses (the agent runs in the host's network namespace). */
  private static List<IpAddress> hostAddresses() {
    List<IpAddress> out = new ArrayList<>();
    try {
      for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        for (InetAddress a : Collections.list(nif.getInetAddresses())) {
          out.add(IpAddress.of(a.getAddress()));
        }
      }
    } catch (SocketException e) {
      log.debug("cannot list the host's addresses: {}", e.toString());
    }
    return out;
  }
}
