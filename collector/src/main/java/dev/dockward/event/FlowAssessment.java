package dev.dockward.event;

import java.util.Objects;

/**
 * What the agent's network policy stage concluded about a flow when it started (repeated on its
 * updates and end), from the flow's facts: the collector reports flows without it.
 *
 * @param policy {@code allowed} (an allow rule or the default action), {@code learned} (an edge
 *     recorded in learning mode), {@code learning} (recorded now), {@code unexpected} (no rule
 *     allows it), or {@code unchecked} (not between two containers, or no policy configured)
 * @param edge the edge the policy judged, e.g. {@code web>db tcp/5432}
 * @param scanWindowSeconds the window the scan counts cover
 * @param scanPorts distinct destination ports the source started flows to within the window
 * @param scanHosts distinct destination addresses the source started flows to within the window
 */
public record FlowAssessment(
    String policy, String edge, long scanWindowSeconds, long scanPorts, long scanHosts) {
  public FlowAssessment {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(edge, "edge");
  }
}
