/** The agent's own records: started, heartbeat (with the events it lost), stopped. */
package dev.dockward.agent.lifecycle;
