/** What each of the agent's sensors can see: running, degraded with a reason, or off. */
package dev.dockward.agent.health;
