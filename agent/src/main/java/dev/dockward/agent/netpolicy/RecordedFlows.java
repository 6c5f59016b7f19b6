package dev.dockward.agent.netpolicy;

import dev.dockward.event.FlowAssessment;
import dev.dockward.event.FlowDocument;
import dev.dockward.event.FlowObserved;
import dev.dockward.net.IpAddress;
import dev.dockward.rules.RecordTime;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Judges journalled {@code flow} records again under another policy, in journal order, from the
 * facts they recorded: both ends, the protocol and ports, and the containers (the record's own, or
 * the journal's snapshot of the other end). The record's {@code policy}, {@code edge} and {@code
 * scan} are replaced; everything else stays as journalled.
 *
 * <ul>
 *   <li><b>Learning is not replayed:</b> a flow the agent judged {@code learning} or {@code
 *       learned} is judged by the policy alone (what an agent learned lives in its learned-edges
 *       file, not in the journal).
 *   <li><b>Scan counts are counted again</b> from the flows replayed, in the window each record
 *       states: they match the journalled ones once a whole window of flows has been replayed (from
 *       {@code --since} on, the first window sees only the flows after it). The sender is counted
 *       under the address the record shows when it is its container's; else (a forged address, an
 *       IPv6 source) under its container's endpoint with the frame's MAC, else its lowest address.
 *       Live, the bridge port can tell more: a container on several networks that forged its MAC
 *       may be counted there under another of its addresses.
 *   <li>A container end whose snapshot the journal does not hold is known by the name and image the
 *       flow records: selectors on labels or networks do not match it.
 * </ul>
 */
public final class RecordedFlows {
  private final EdgePolicy policy;
  private final Function<String, Optional<Map<String, Object>>> snapshots;
  private final Map<Long, FlowJudge> judges = new HashMap<>();

  /**
   * @param snapshots the journal's container snapshots by id (a {@code container} object of a
   *     record: name, image, labels, networks)
   */
  public RecordedFlows(
      EdgePolicy policy, Function<String, Optional<Map<String, Object>>> snapshots) {
    this.policy = policy;
    this.snapshots = snapshots;
  }

  /**
   * The record judged again under the policy when it is a {@code flow} event (a copy with its
   * verdict replaced); any other record, or a flow record without the facts, as it was.
   */
  public Map<String, Object> judge(Map<String, Object> record) {
    if (!"flow".equals(record.get("type")) || !(record.get("flow") instanceof Map<?, ?> flow)) {
      return record;
    }
    Optional<Rejudged> facts = facts(record, flow);
    if (facts.isEmpty()) {
      return record;
    }
    // One judge per scan window, so each record's counts cover the window it states.
    FlowJudge judge =
        judges.computeIfAbsent(
            facts.get().windowSeconds(), w -> FlowJudge.replaying(policy, Duration.ofSeconds(w)));
    FlowAssessment verdict = judge.assess(facts.get().facts(), facts.get().time());
    Map<String, Object> judgedFlow = new LinkedHashMap<>();
    flow.forEach((k, v) -> judgedFlow.put(String.valueOf(k), v));
    FlowDocument.putAssessment(judgedFlow, verdict);
    Map<String, Object> copy = new LinkedHashMap<>(record);
    copy.put("flow", judgedFlow);
    return copy;
  }

  private record Rejudged(FlowFacts facts, Instant time, long windowSeconds) {}

  private Optional<Rejudged> facts(Map<String, Object> record, Map<?, ?> flow) {
    if (!(flow.get("src") instanceof Map<?, ?> src)
        || !(flow.get("dst") instanceof Map<?, ?> dst)
        || !(flow.get("state") instanceof String state)
        || !(flow.get("protocol") instanceof String protocol)) {
      return Optional.empty();
    }
    Optional<Instant> firstSeen = instant(flow.get("first_seen"));
    Optional<Instant> lastSeen = instant(flow.get("last_seen"));
    Optional<Instant> time = RecordTime.of(record);
    if (firstSeen.isEmpty() || lastSeen.isEmpty() || time.isEmpty()) {
      return Optional.empty();
    }
    Map<?, ?> own = record.get("container") instanceof Map<?, ?> c ? c : Map.of();
    Optional<Map<?, ?>> srcContainer = container(src, own);
    Optional<Map<?, ?>> dstContainer = container(dst, own);
    String srcIp = text(src.get("ip"));
    String dstIp = text(dst.get("ip"));
    int srcPort = port(src);
    int dstPort = port(dst);
    boolean spoofed = src.get("spoofed") instanceof Map<?, ?>;
    String edge =
        FlowObserved.edge(text(src.get("name")), text(dst.get("name")), protocol, dstPort);
    long window =
        flow.get("scan") instanceof Map<?, ?> scan && scan.get("window_s") instanceof Number n
            ? n.longValue()
            : 10;
    FlowFacts facts =
        new FlowFacts(
            new FlowFacts.FlowId(srcIp, srcPort, dstIp, dstPort, protocol),
            state,
            srcContainer.map(c -> peer(c, src)),
            dstContainer.map(c -> peer(c, dst)),
            edge,
            sender(srcIp, text(src.get("mac")), srcContainer),
            dstIp,
            dstPort,
            protocol,
            firstSeen.get().toEpochMilli(),
            lastSeen.get().toEpochMilli(),
            spoofed);
    return Optional.of(new Rejudged(facts, time.get(), window));
  }

  /**
   * A container end's container: the record's own when it is that one, else the journal's snapshot.
   */
  private Optional<Map<?, ?>> container(Map<?, ?> end, Map<?, ?> own) {
    if (!"container".equals(end.get("kind"))) {
      return Optional.empty();
    }
    String id = text(end.get("id"));
    if (!id.isEmpty() && id.equals(own.get("id")) && own.get("networks") instanceof Map<?, ?>) {
      return Optional.of(own);
    }
    Map<?, ?> snapshot = snapshots.apply(id).orElse(null);
    return Optional.of(snapshot == null ? Map.of() : snapshot);
  }

  /**
   * The container as the selectors see it; what the journal does not hold is taken from the end
   * itself.
   */
  private static PolicyPeer peer(Map<?, ?> container, Map<?, ?> end) {
    String name = container.get("name") instanceof String n ? n : text(end.get("name"));
    String image = container.get("image") instanceof String i ? i : text(end.get("image"));
    Map<String, String> labels = new HashMap<>();
    if (container.get("labels") instanceof Map<?, ?> l) {
      l.forEach((k, v) -> labels.put(String.valueOf(k), String.valueOf(v)));
    }
    Set<String> networks = new HashSet<>();
    if (container.get("networks") instanceof Map<?, ?> n) {
      n.keySet().forEach(k -> networks.add(String.valueOf(k)));
    }
    return new PolicyPeer(name, image, labels, networks);
  }

  /**
   * The address the sender is counted under: the address recorded when it is its container's (or
   * the container's are not known), else the container's endpoint with the frame's MAC, else its
   * lowest address.
   */
  static String sender(String ip, String mac, Optional<Map<?, ?>> container) {
    if (container.isEmpty() || !(container.get().get("networks") instanceof Map<?, ?> networks)) {
      return ip;
    }
    List<IpAddress> own = new ArrayList<>();
    Optional<String> byMac = Optional.empty();
    for (Object endpoint : networks.values()) {
      if (endpoint instanceof Map<?, ?> e && e.get("ip") instanceof String a) {
        Optional<IpAddress> parsed = IpAddress.parse(a);
        parsed.ifPresent(own::add);
        if (parsed.isPresent() && mac.equalsIgnoreCase(text(e.get("mac")))) {
          byMac = Optional.of(parsed.get().toString());
        }
      }
    }
    Optional<IpAddress> recorded = IpAddress.parse(ip);
    if (own.isEmpty() || recorded.isPresent() && own.contains(recorded.get())) {
      return ip;
    }
    return byMac.orElseGet(
        () ->
            own.stream()
                .min(Comparator.comparingLong(IpAddress::high).thenComparingLong(IpAddress::low))
                .orElseThrow()
                .toString());
  }

  private static int port(Map<?, ?> end) {
    return end.get("port") instanceof Number n ? n.intValue() : -1;
  }

  private static String text(Object o) {
    return o instanceof String s ? s : "";
  }

  private static Optional<Instant> instant(Object o) {
    if (!(o instanceof String s)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(s));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
