/**
 * The composition root: how the agent is put together from its configuration. {@link
 * dev.dockward.agent.assembly.Startup} runs the named start steps; every source has a {@link
 * dev.dockward.agent.assembly.SourceFactory} (its config section and the shared {@link
 * dev.dockward.agent.assembly.SourceContext} in, the source or nothing out) listed once in {@link
 * dev.dockward.agent.assembly.SourceFactories}, and every sink a {@link
 * dev.dockward.agent.assembly.SinkFactory} listed in {@link
 * dev.dockward.agent.assembly.SinkFactories}. A new sensor is its collector package plus one line
 * in {@code SourceFactories}.
 */
package dev.dockward.agent.assembly;
