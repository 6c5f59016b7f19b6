package dev.dockward.net;

import dev.dockward.event.FlowObserved;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the capture thread does with each frame, without the ring: parse, account in the flow table,
 * and turn its reports into facts-only events (starts and ends) or established reports, in the
 * order the table made them.
 */
final class CapturePipeline implements FlowTable.Listener {
  final FrameParser parser = new FrameParser();
  final FlowTable table;
  final FlowResolver resolver;
  final List<FlowObserved> events = new ArrayList<>();
  final List<FlowObserved> established = new ArrayList<>();
  private long now;

  CapturePipeline(FlowResolver resolver, int maxFlows) {
    this.resolver = resolver;
    this.table =
        new FlowTable(
            new FlowTable.Settings(
                maxFlows, Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofSeconds(2)));
  }

  void frame(byte[] frame, long millis) {
    frame(frame, FlowRecord.UNKNOWN_INGRESS, millis);
  }

  /**
   * A frame that entered the bridge by {@code ingress} (a port's ifindex, or {@link
   * FlowRecord#FROM_HOST}).
   */
  void frame(byte[] frame, int ingress, long millis) {
    now = millis;
    table.observe(
        parser.parse(ByteBuffer.wrap(frame), 0, frame.length, frame.length).orElseThrow(),
        "br-0123456789ab",
        ingress,
        millis,
        this);
  }

  void sweep(long millis) {
    now = millis;
    table.sweep(millis, this);
  }

  @Override
  public void flow(FlowRecord record) {
    events.add(resolver.event(record, Instant.ofEpochMilli(now)));
  }

  @Override
  public void established(FlowRecord record) {
    resolver.established(record, Instant.ofEpochMilli(now)).ifPresent(established::add);
  }
}
