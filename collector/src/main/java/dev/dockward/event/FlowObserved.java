package dev.dockward.event;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A conversation on a Docker bridge (type {@code flow}, source {@code network}): reported when it
 * starts, periodically while it lasts, and when it ends. Its document puts the figures under
 * {@code flow}. The record's container is the source's when the source is a container, else the
 * destination's (so a replay by container finds flows it started and, failing that, received).
 */
public record FlowObserved(Instant time, FlowTraffic traffic, FlowPeer src, FlowPeer dst, FlowAssessment assessment)
    implements Event {
  public FlowObserved {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(traffic, "traffic");
    Objects.requireNonNull(src, "src");
    Objects.requireNonNull(dst, "dst");
    Objects.requireNonNull(assessment, "assessment");
  }

  @Override public String type() { return "flow"; }
  @Override public String source() { return "network"; }

  @Override
  public Optional<ContainerInfo> container() {
    return src.container().isPresent() ? src.container() : dst.container();
  }

  @Override
  public Event withContainer(ContainerInfo c) {
    if (src.container().isPresent()) {
      return new FlowObserved(time, traffic, src.withContainer(c), dst, assessment);
    }
    return dst.container().isPresent() ? new FlowObserved(time, traffic, src, dst.withContainer(c), assessment) : this;
  }
  @Override public void putFields(Map<String, Object> record) { record.put("flow", FlowDocument.of(this)); }
}
