/**
 * Facts about the host the agent runs on, the one home for them: where its {@code /proc}, {@code
 * /sys}, {@code /run} and {@code /etc} are ({@link dev.dockward.host.HostFs}), who it is (name and
 * machine id, {@link dev.dockward.host.HostIdentity}), and what it is (OS, kernel, CPU, memory,
 * boot time, virtualization, read once at start through OSHI: {@link
 * dev.dockward.host.MachineFacts}, {@link dev.dockward.host.OshiMachineFacts}, {@link
 * dev.dockward.host.MachineFactsAtStart}). Sources that watch the host for changes live elsewhere
 * ({@code dev.dockward.hostwatch}); this package only says what the host is.
 */
package dev.dockward.host;
