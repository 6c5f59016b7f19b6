/**
 * The agent: {@link dev.dockward.agent.Agent} starts the sources, the pipeline, the journal, the
 * shippers and the metrics server from one configuration, in the named steps of {@code
 * assembly.Startup}, and stops them in the reverse order; the factories in {@code assembly} build
 * each source and sink as the configuration asks.
 */
package dev.dockward.agent;
