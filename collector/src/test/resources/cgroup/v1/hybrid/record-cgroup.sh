#!/bin/sh
# record-cgroup.sh OUT ID... : copies the cgroup v1 files Dockward reads for each container into
# OUT, laid out as a host root (OUT/proc/self/mountinfo, OUT/proc/<pid>/cgroup, OUT/sys/fs/cgroup/…).
set -e
out=$1; shift
mkdir -p "$out/proc/self"
cp /proc/self/mountinfo "$out/proc/self/mountinfo"
for id in "$@"; do
  pid=$(/usr/bin/docker inspect -f '{{.State.Pid}}' "$id")
  mkdir -p "$out/proc/$pid"
  cp /proc/$pid/cgroup "$out/proc/$pid/cgroup"
  mkdir -p "$out/proc/$pid/net"
  cp /proc/$pid/net/dev "$out/proc/$pid/net/dev"
  for f in cpu/cpu.stat cpu/cpu.cfs_quota_us cpu/cpu.cfs_period_us cpuacct/cpuacct.usage \
      memory/memory.usage_in_bytes memory/memory.limit_in_bytes memory/memory.failcnt memory/memory.oom_control \
      pids/pids.current pids/pids.max pids/pids.events blkio/blkio.throttle.io_service_bytes; do
    d="$out/sys/fs/cgroup/${f%%/*}/docker/$id"
    mkdir -p "$d"
    cat "/sys/fs/cgroup/${f%%/*}/docker/$id/${f#*/}" > "$d/${f#*/}"
  done
  echo "$id $pid"
done
