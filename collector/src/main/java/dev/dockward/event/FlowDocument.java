package dev.dockward.event;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds the {@code flow} object of a {@code flow} record. */
public final class FlowDocument {
  private FlowDocument() {}

  /**
   * The {@code flow} object of a {@code flow} event: state, protocol, both ends ({@code src},
   * {@code dst}: kind, ip, port, mac, and name, id and image for a container; {@code spoofed}, the
   * owner of an address the sender used that is not its own), the counters, and, once the agent
   * judged the flow, the policy verdict and edge and the source's scan counts ({@code scan}).
   */
  public static Map<String, Object> of(FlowObserved f) {
    FlowTraffic t = f.traffic();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("state", t.state());
    t.endReason().ifPresent(r -> m.put("end_reason", r));
    m.put("interface", t.iface());
    m.put("protocol", t.protocol());
    m.put("src", peer(f.src()));
    m.put("dst", peer(f.dst()));
    m.put("packets_out", t.packetsOut());
    m.put("bytes_out", t.bytesOut());
    m.put("packets_in", t.packetsIn());
    m.put("bytes_in", t.bytesIn());
    m.put("tcp_flags_out", List.copyOf(t.tcpFlagsOut()));
    m.put("tcp_flags_in", List.copyOf(t.tcpFlagsIn()));
    m.put("first_seen", Timestamps.format(t.firstSeen()));
    m.put("last_seen", Timestamps.format(t.lastSeen()));
    f.assessment().ifPresent(a -> putAssessment(m, a));
    return m;
  }

  /**
   * Puts the verdict's fields ({@code policy}, {@code edge}, {@code scan}) into a {@code flow}
   * object, replacing those there; replay uses it to judge a recorded flow again.
   */
  public static void putAssessment(Map<String, Object> flow, FlowAssessment a) {
    flow.put("policy", a.policy());
    flow.put("edge", a.edge());
    Map<String, Object> scan = new LinkedHashMap<>();
    scan.put("window_s", a.scanWindowSeconds());
    scan.put("distinct_ports", a.scanPorts());
    scan.put("distinct_hosts", a.scanHosts());
    flow.put("scan", scan);
  }

  private static Map<String, Object> peer(FlowPeer p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", p.kind().text());
    m.put("name", p.displayName());
    m.put("ip", p.ip());
    if (p.port() >= 0) {
      m.put("port", (long) p.port());
    }
    m.put("mac", p.mac());
    p.container()
        .ifPresent(
            c -> {
              m.put("id", c.id());
              m.put("image", c.image());
            });
    p.spoofed()
        .ifPresent(
            o -> {
              Map<String, Object> owner = new LinkedHashMap<>();
              owner.put("kind", o.kind().text());
              owner.put("name", o.name());
              o.containerId().ifPresent(id -> owner.put("id", id));
              owner.put("forged", o.forged());
              m.put("spoofed", owner);
            });
    return m;
  }
}
