/**
 * The agent: {@link dev.dockward.agent.Agent} starts the sources, the pipeline, the journal, the
 * shippers and the metrics server from one configuration and stops them in the reverse order; the
 * wiring classes build the optional parts (posture audit, network capture, host watches) as the
 * configuration asks.
 */
package dev.dockward.agent;
