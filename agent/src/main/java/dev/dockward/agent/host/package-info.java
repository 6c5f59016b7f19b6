/** Who this host is: its name and the stable id every record id starts with. */
package dev.dockward.agent.host;
