/**
 * Cgroups of processes and containers: parsing {@code /proc/<pid>/cgroup} and telling from a cgroup
 * path which container (if any) a process belongs to (pure code); finding the hierarchies from
 * {@code /proc/self/mountinfo} and reading a container's resource counters through a {@link
 * dev.dockward.cgroup.CgroupReader} (v1 and v2 apart); and the {@link
 * dev.dockward.cgroup.CgroupResourceSource} source that turns them into {@code resource_sample}
 * events.
 */
package dev.dockward.cgroup;
