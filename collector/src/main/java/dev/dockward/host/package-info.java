/**
 * Facts about the machine the agent runs on (OS, kernel, CPU, memory, boot time, virtualization),
 * read once at start through OSHI: {@link dev.dockward.host.MachineFacts},
 * {@link dev.dockward.host.OshiMachineFacts}, {@link dev.dockward.host.MachineFactsAtStart}.
 */
package dev.dockward.host;
