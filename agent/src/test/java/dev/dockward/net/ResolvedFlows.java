package dev.dockward.net;

import dev.dockward.event.ContainerInfo;
import dev.dockward.event.FlowObserved;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The collector's side of the capture path for the agent's tests, which the collector keeps
 * package-private: frames parsed into the flow table, and its reports resolved into facts-only
 * {@code flow} events, in the order the table made them.
 */
public final class ResolvedFlows {
  /** Receives the resolved reports. */
  public interface Receiver {
    void flow(FlowObserved flow);

    void established(FlowObserved flow);
  }

  private final FrameParser parser = new FrameParser();
  private final FlowTable table;
  private final FlowResolver resolver = new FlowResolver();
  private final Receiver receiver;
  private long now;
  private final FlowTable.Listener listener =
      new FlowTable.Listener() {
        @Override
        public void flow(FlowRecord record) {
          receiver.flow(resolver.event(record, Instant.ofEpochMilli(now)));
        }

        @Override
        public void established(FlowRecord record) {
          resolver.established(record, Instant.ofEpochMilli(now)).ifPresent(receiver::established);
        }
      };

  public ResolvedFlows(Collection<ContainerInfo> containers, int maxFlows, Receiver receiver) {
    this.receiver = receiver;
    this.table =
        new FlowTable(
            new FlowTable.Settings(
                maxFlows, Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofSeconds(2)));
    resolver.useIndex(EndpointIndex.of(containers, List.of()));
  }

  /** Resolves against these containers from now on. */
  public void useContainers(Collection<ContainerInfo> containers) {
    resolver.useIndex(EndpointIndex.of(containers, List.of()));
  }

  /** A frame whose bridge port is not known. */
  public void frame(byte[] frame, long millis) {
    now = millis;
    table.observe(
        parser.parse(ByteBuffer.wrap(frame), 0, frame.length, frame.length).orElseThrow(),
        "br-0123456789ab",
        FlowRecord.UNKNOWN_INGRESS,
        millis,
        listener);
  }

  public void sweep(long millis) {
    now = millis;
    table.sweep(millis, listener);
  }

  /** A report of the table, resolved (as the source does before judging). */
  public FlowObserved event(FlowRecord record, Instant now) {
    return resolver.event(record, now);
  }

  /** An established report of the table, resolved; empty when the flow is not open. */
  public Optional<FlowObserved> established(FlowRecord record, Instant now) {
    return resolver.established(record, now);
  }

  public long spoofed() {
    return resolver.spoofed();
  }

  public int openFlows() {
    return resolver.openFlows();
  }

  /**
   * An Ethernet + IPv4 frame with a TCP (20-byte header) or UDP header and no payload; checksums
   * are left zero (the parser does not check them).
   */
  public static byte[] ipv4(
      long srcMac,
      long dstMac,
      String src,
      String dst,
      int protocol,
      int srcPort,
      int dstPort,
      int tcpFlags) {
    int l4 = protocol == FrameFacts.TCP ? 20 : 8;
    ByteBuffer b = ByteBuffer.allocate(14 + 20 + l4);
    putMac(b, dstMac);
    putMac(b, srcMac);
    b.putShort((short) 0x0800);
    b.put((byte) 0x45)
        .put((byte) 0)
        .putShort((short) (20 + l4))
        .putShort((short) 0)
        .putShort((short) 0x4000)
        .put((byte) 64)
        .put((byte) protocol)
        .putShort((short) 0);
    b.put(v4(src)).put(v4(dst));
    b.putShort((short) srcPort).putShort((short) dstPort);
    if (protocol == FrameFacts.TCP) {
      b.putInt(1)
          .putInt(0)
          .put((byte) 0x50)
          .put((byte) tcpFlags)
          .putShort((short) 64240)
          .putShort((short) 0)
          .putShort((short) 0);
    } else {
      b.putShort((short) 8).putShort((short) 0);
    }
    return b.array();
  }

  private static void putMac(ByteBuffer b, long mac) {
    for (int i = 5; i >= 0; i--) {
      b.put((byte) (mac >>> (8 * i)));
    }
  }

  private static byte[] v4(String dotted) {
    String[] parts = dotted.split("\\.");
    byte[] out = new byte[4];
    for (int i = 0; i < 4; i++) {
      out[i] = (byte) Integer.parseInt(parts[i]);
    }
    return out;
  }
}
