package dev.dockward.agent.netpolicy;

import dev.dockward.event.ContainerInfo;
import dev.dockward.event.FlowObserved;
import dev.dockward.net.ResolvedFlows;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * What the capture thread does with each frame, without the ring: parse, account in the flow table,
 * resolve its reports, and hand them to the policy stage: events (starts and ends) judged, or
 * learning (established flows), in the order the table made them.
 */
final class CapturePipeline implements ResolvedFlows.Receiver {
  final FlowJudge judge;
  final ResolvedFlows flows;
  final List<FlowObserved> events = new ArrayList<>();

  CapturePipeline(FlowJudge judge, Collection<ContainerInfo> containers, int maxFlows) {
    this.judge = judge;
    this.flows = new ResolvedFlows(containers, maxFlows, this);
  }

  void frame(byte[] frame, long millis) {
    flows.frame(frame, millis);
  }

  void sweep(long millis) {
    flows.sweep(millis);
    judge.sweep(millis);
  }

  @Override
  public void flow(FlowObserved flow) {
    events.add(judge.judge(flow, flow.time()));
  }

  @Override
  public void established(FlowObserved flow) {
    if (judge.learns()) {
      judge.established(flow);
    }
  }
}
