package dev.dockward.net;

import dev.dockward.event.FlowObserved;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the capture thread does with each frame, without the ring: parse, account in the flow
 * table, and turn its reports into events (starts and ends) or learning (established flows), in
 * the order the table made them.
 */
final class CapturePipeline implements FlowTable.Listener {
  final FrameParser parser = new FrameParser();
  final FlowTable table;
  final FlowAssessor assessor;
  final List<FlowObserved> events = new ArrayList<>();
  private long now;

  CapturePipeline(FlowAssessor assessor, int maxFlows) {
    this.assessor = assessor;
    this.table = new FlowTable(new FlowTable.Settings(maxFlows, Duration.ofSeconds(60), Duration.ofSeconds(60),
        Duration.ofSeconds(2)));
  }

  void frame(byte[] frame, long millis) {
    frame(frame, FlowRecord.UNKNOWN_INGRESS, millis);
  }

  /** A frame that entered the bridge by {@code ingress} (a port's ifindex, or {@link FlowRecord#FROM_HOST}). */
  void frame(byte[] frame, int ingress, long millis) {
    now = millis;
    table.observe(parser.parse(ByteBuffer.wrap(frame), 0, frame.length, frame.length).orElseThrow(), "br-0123456789ab",
        ingress, millis, this);
  }

  void sweep(long millis) {
    now = millis;
    table.sweep(millis, this);
    assessor.sweep(millis);
  }

  @Override
  public void flow(FlowRecord record) {
    events.add(assessor.event(record, Instant.ofEpochMilli(now)));
  }

  @Override
  public void established(FlowRecord record) {
    assessor.established(record);
  }
}
