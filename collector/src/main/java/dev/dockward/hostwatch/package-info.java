/**
 * Host files through which a container escapes without a new process of its own to show for it:
 * {@code core_pattern}, cgroup v1 {@code release_agent} and {@code notify_on_release}, and cgroup
 * file systems mounted inside containers. {@link dev.dockward.hostwatch.HostWatch} compares them
 * pass by pass; {@link dev.dockward.hostwatch.HostWatchSource} runs the passes.
 */
package dev.dockward.hostwatch;
