/** Where the host's {@code /proc}, {@code /sys} and {@code /var/run} are: {@link dev.dockward.hostfs.HostFs}. */
package dev.dockward.hostfs;
