package dev.dockward.event;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A conversation on a Docker bridge (type {@code flow}, source {@code network}): reported when it
 * starts, periodically while it lasts, and when it ends. Its document puts the figures under {@code
 * flow}. The record's container is the source's when the source is a container, else the
 * destination's (so a replay by container finds flows it started and, failing that, received).
 *
 * <p>The collector reports what it saw: both ends, the traffic, and the address the sender is
 * counted under. The verdict ({@link FlowAssessment}) is the agent's, added before the event is
 * recorded; replay can compute it again from the recorded facts under another policy.
 *
 * @param senderAddress the address the sender is counted under: its own endpoint address when it is
 *     known by its bridge port or MAC (so a sender rotating forged addresses stays one source),
 *     else the source address as written; not a field of the record
 * @param assessment the agent's verdict, empty until it is judged
 */
public record FlowObserved(
    Instant time,
    FlowTraffic traffic,
    FlowPeer src,
    FlowPeer dst,
    String senderAddress,
    Optional<FlowAssessment> assessment)
    implements Event {
  public FlowObserved {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(traffic, "traffic");
    Objects.requireNonNull(src, "src");
    Objects.requireNonNull(dst, "dst");
    Objects.requireNonNull(senderAddress, "senderAddress");
    Objects.requireNonNull(assessment, "assessment");
  }

  /** A judged flow whose sender is counted under its source address. */
  public FlowObserved(
      Instant time, FlowTraffic traffic, FlowPeer src, FlowPeer dst, FlowAssessment assessment) {
    this(time, traffic, src, dst, src.ip(), Optional.of(assessment));
  }

  @Override
  public String type() {
    return "flow";
  }

  @Override
  public String source() {
    return "network";
  }

  @Override
  public Optional<ContainerInfo> container() {
    return src.container().isPresent() ? src.container() : dst.container();
  }

  @Override
  public Event withContainer(ContainerInfo c) {
    if (src.container().isPresent()) {
      return new FlowObserved(time, traffic, src.withContainer(c), dst, senderAddress, assessment);
    }
    return dst.container().isPresent()
        ? new FlowObserved(time, traffic, src, dst.withContainer(c), senderAddress, assessment)
        : this;
  }

  /** The same flow with the agent's verdict. */
  public FlowObserved withAssessment(FlowAssessment verdict) {
    return new FlowObserved(time, traffic, src, dst, senderAddress, Optional.of(verdict));
  }

  /**
   * The edge a policy judges, named from the facts: {@code <src>><dst> <protocol>/<port>}, e.g.
   * {@code web>db tcp/5432} (without {@code /<port>} for protocols without ports).
   */
  public String edge() {
    return edge(src.displayName(), dst.displayName(), traffic.protocol(), dst.port());
  }

  /**
   * The edge between two ends named {@code src} and {@code dst}; the record's {@code flow.edge}.
   */
  public static String edge(String src, String dst, String protocol, int port) {
    return src + ">" + dst + " " + protocol + (port >= 0 ? "/" + port : "");
  }

  @Override
  public void putFields(Map<String, Object> record) {
    record.put("flow", FlowDocument.of(this));
  }
}
