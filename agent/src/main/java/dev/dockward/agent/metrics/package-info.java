/** The agent's own health: Prometheus metrics and liveness/readiness over HTTP. */
package dev.dockward.agent.metrics;
