package dev.dockward.net;

import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The conversations seen on the bridges, bounded in size and in time.
 *
 * <p><b>Keys and direction.</b> A flow is keyed by its normalised 5-tuple ({@link FlowKey}): both
 * directions of a conversation share one entry. Its direction is that of the first packet seen,
 * except that a first packet with SYN and ACK (the handshake's second step: the SYN was missed) is
 * taken as the responder's, so the client is still the source. Counters are kept per direction.
 *
 * <p><b>Bounds.</b> At most {@code maxFlows} entries: a new flow in a full table evicts the flow
 * seen least recently (reported as ended, reason {@code evicted}, and counted). A flow ends after
 * {@code idleTimeout} without packets, or {@code closedLinger} after a TCP RST or FIN in both
 * directions (so the last ACK of a close does not open a new flow). A flow that lasts reports an
 * update every {@code activeTimeout}.
 *
 * <p>Not thread-safe: one capture thread observes and sweeps.
 */
public final class FlowTable {
  /** How flows are bounded; see the class comment. */
  public record Settings(
      int maxFlows, Duration idleTimeout, Duration activeTimeout, Duration closedLinger) {
    public static final Settings DEFAULT =
        new Settings(65_536, Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofSeconds(2));

    public Settings {
      if (maxFlows < 1) {
        throw new IllegalArgumentException("max flows must be at least 1, not " + maxFlows);
      }
      if (idleTimeout.isNegative()
          || idleTimeout.isZero()
          || activeTimeout.isNegative()
          || activeTimeout.isZero()
          || closedLinger.isNegative()) {
        throw new IllegalArgumentException("flow timeouts must be positive");
      }
    }
  }

  /** Receives the table's reports. */
  @FunctionalInterface
  public interface Listener {
    void flow(FlowRecord record);

    /**
     * The flow proved to be a real conversation, once per flow: for TCP the responder's SYN+ACK
     * (the port listens); for other protocols a packet back, or {@link #ONE_WAY_PACKETS} packets
     * out (a one-way stream such as syslog or statsd). A probe answered by a RST, or a lone
     * datagram, never is. Learning records only such flows. Not an event of its own.
     */
    default void established(FlowRecord record) {}
  }

  /** Packets out that make a flow of a protocol without handshake established without an answer. */
  public static final int ONE_WAY_PACKETS = 4;

  /** One entry; "out" is the initiator's direction. */
  private static final class Flow {
    final String iface;
    final boolean initiatorIsLow;
    final long srcMac;
    final long dstMac;
    final int srcIngress;
    final long firstSeenMillis;
    long lastSeenMillis;
    long lastReportMillis;
    long packetsOut;
    long bytesOut;
    long packetsIn;
    long bytesIn;
    int flagsOut;
    int flagsIn;
    boolean finOut;
    boolean finIn;
    boolean closed;
    boolean established;

    Flow(String iface, boolean initiatorIsLow, long srcMac, long dstMac, int srcIngress, long now) {
      this.iface = iface;
      this.initiatorIsLow = initiatorIsLow;
      this.srcMac = srcMac;
      this.dstMac = dstMac;
      this.srcIngress = srcIngress;
      this.firstSeenMillis = now;
      this.lastSeenMillis = now;
      this.lastReportMillis = now;
    }
  }

  private final Settings settings;
  private final long idleMillis;
  private final long activeMillis;
  private final long lingerMillis;
  // Access order: the head is the flow seen least recently, which is what eviction and the idle
  // sweep want.
  private final LinkedHashMap<FlowKey, Flow> flows;
  private long started;
  private long ended;
  private long evicted;
  private long notIp;

  public FlowTable(Settings settings) {
    this.settings = settings;
    this.idleMillis = settings.idleTimeout().toMillis();
    this.activeMillis = settings.activeTimeout().toMillis();
    this.lingerMillis = settings.closedLinger().toMillis();
    this.flows = new LinkedHashMap<>(Math.min(settings.maxFlows(), 1 << 16), 0.75f, true);
  }

  /** As below, for a frame whose bridge port is not known. */
  public void observe(FrameFacts f, String iface, long nowMillis, Listener out) {
    observe(f, iface, FlowRecord.UNKNOWN_INGRESS, nowMillis, out);
  }

  /**
   * Accounts one frame; reports a start for a new flow (and an end for the one it evicts).
   *
   * @param ingress where the frame entered the bridge: a port's ifindex, {@link
   *     FlowRecord#FROM_HOST} or {@link FlowRecord#UNKNOWN_INGRESS}; a new flow keeps it as its
   *     initiator's
   */
  public void observe(FrameFacts f, String iface, int ingress, long nowMillis, Listener out) {
    if (!f.isIp() || f.protocol() < 0) {
      notIp++;
      return;
    }
    FlowKey key = FlowKey.of(f);
    boolean srcIsLow = FlowKey.srcIsLow(f);
    Flow flow = flows.get(key);
    boolean isNew = flow == null;
    if (isNew) {
      if (flows.size() >= settings.maxFlows()) {
        evictEldest(out);
      }
      boolean synAck =
          f.protocol() == FrameFacts.TCP
              && (f.tcpFlags() & (FrameFacts.SYN | FrameFacts.ACK))
                  == (FrameFacts.SYN | FrameFacts.ACK);
      boolean initiatorIsLow = synAck != srcIsLow;
      flow =
          synAck // the responder's packet: where the initiator's entered is not known
              ? new Flow(
                  iface,
                  initiatorIsLow,
                  f.dstMac(),
                  f.srcMac(),
                  FlowRecord.UNKNOWN_INGRESS,
                  nowMillis)
              : new Flow(iface, initiatorIsLow, f.srcMac(), f.dstMac(), ingress, nowMillis);
      flows.put(key, flow);
      started++;
    }
    boolean outbound = srcIsLow == flow.initiatorIsLow;
    if (outbound) {
      flow.packetsOut++;
      flow.bytesOut += f.wireLength();
      flow.flagsOut |= f.tcpFlags();
      flow.finOut |= (f.tcpFlags() & FrameFacts.FIN) != 0;
    } else {
      flow.packetsIn++;
      flow.bytesIn += f.wireLength();
      flow.flagsIn |= f.tcpFlags();
      flow.finIn |= (f.tcpFlags() & FrameFacts.FIN) != 0;
    }
    if ((f.tcpFlags() & FrameFacts.RST) != 0 || (flow.finOut && flow.finIn)) {
      flow.closed = true;
    }
    flow.lastSeenMillis = Math.max(flow.lastSeenMillis, nowMillis);
    if (isNew) {
      out.flow(record(key, flow, FlowRecord.State.START, Optional.empty()));
    }
    if (!flow.established && establishes(f, outbound, flow)) {
      flow.established = true;
      out.established(record(key, flow, FlowRecord.State.UPDATE, Optional.empty()));
    }
  }

  private static boolean establishes(FrameFacts f, boolean outbound, Flow flow) {
    if (f.protocol() == FrameFacts.TCP) {
      return !outbound
          && (f.tcpFlags() & (FrameFacts.SYN | FrameFacts.ACK))
              == (FrameFacts.SYN | FrameFacts.ACK);
    }
    return !outbound || flow.packetsOut >= ONE_WAY_PACKETS;
  }

  /** Ends idle and closed flows and reports updates of long ones; call about once a second. */
  public void sweep(long nowMillis, Listener out) {
    Iterator<Map.Entry<FlowKey, Flow>> it = flows.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<FlowKey, Flow> e = it.next();
      Flow flow = e.getValue();
      long quiet = nowMillis - flow.lastSeenMillis;
      if (quiet >= idleMillis || (flow.closed && quiet >= lingerMillis)) {
        it.remove();
        ended++;
        out.flow(
            record(
                e.getKey(),
                flow,
                FlowRecord.State.END,
                Optional.of(
                    flow.closed ? FlowRecord.EndReason.CLOSED : FlowRecord.EndReason.IDLE)));
      } else if (nowMillis - flow.lastReportMillis >= activeMillis) {
        flow.lastReportMillis = nowMillis;
        out.flow(record(e.getKey(), flow, FlowRecord.State.UPDATE, Optional.empty()));
      }
    }
  }

  /** Ends every flow (the capture stops). */
  public void endAll(FlowRecord.EndReason reason, Listener out) {
    Iterator<Map.Entry<FlowKey, Flow>> it = flows.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<FlowKey, Flow> e = it.next();
      it.remove();
      ended++;
      out.flow(record(e.getKey(), e.getValue(), FlowRecord.State.END, Optional.of(reason)));
    }
  }

  public int size() {
    return flows.size();
  }

  /**
   * Flows started, ended (evicted ones included), evicted, and frames that were not IP; all
   * monotonic.
   */
  public Map<String, Long> counters() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("flows_started", started);
    m.put("flows_ended", ended);
    m.put("flows_evicted", evicted);
    m.put("frames_not_flow", notIp);
    return m;
  }

  private void evictEldest(Listener out) {
    Iterator<Map.Entry<FlowKey, Flow>> it = flows.entrySet().iterator();
    Map.Entry<FlowKey, Flow> eldest = it.next();
    it.remove();
    evicted++;
    ended++;
    out.flow(
        record(
            eldest.getKey(),
            eldest.getValue(),
            FlowRecord.State.END,
            Optional.of(FlowRecord.EndReason.EVICTED)));
  }

  private static FlowRecord record(
      FlowKey key, Flow f, FlowRecord.State state, Optional<FlowRecord.EndReason> why) {
    IpAddress src = f.initiatorIsLow ? key.low() : key.high();
    int srcPort = f.initiatorIsLow ? key.lowPort() : key.highPort();
    IpAddress dst = f.initiatorIsLow ? key.high() : key.low();
    int dstPort = f.initiatorIsLow ? key.highPort() : key.lowPort();
    return new FlowRecord(
        state,
        why,
        f.iface,
        key.protocol(),
        src,
        srcPort,
        dst,
        dstPort,
        f.srcMac,
        f.dstMac,
        f.packetsOut,
        f.bytesOut,
        f.packetsIn,
        f.bytesIn,
        f.flagsOut,
        f.flagsIn,
        Instant.ofEpochMilli(f.firstSeenMillis),
        Instant.ofEpochMilli(f.lastSeenMillis),
        f.srcIngress);
  }
}
