package dev.dockward.cgroup;

import dev.dockward.event.ResourceCounters;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Folds per-device block I/O bytes and per-device bytes-per-second caps into one {@link
 * ResourceCounters.Io}: totals over every device, and for the capped devices their caps and their
 * own bytes, so that a container's use is measured against the cap of the device it is capped on
 * and never against another's.
 */
final class IoFigures {
  /** Bytes read and written on one device. */
  record DeviceBytes(long read, long write) {}

  private IoFigures() {}

  static ResourceCounters.Io fold(
      Map<String, DeviceBytes> bytes, Map<String, Long> readCaps, Map<String, Long> writeCaps) {
    long read = 0;
    long write = 0;
    for (DeviceBytes b : bytes.values()) {
      read += b.read();
      write += b.write();
    }
    return new ResourceCounters.Io(
        OptionalLong.of(read),
        OptionalLong.of(write),
        sum(readCaps),
        sum(writeCaps),
        capped(bytes, readCaps, true),
        capped(bytes, writeCaps, false));
  }

  private static OptionalLong sum(Map<String, Long> caps) {
    return caps.isEmpty()
        ? OptionalLong.empty()
        : OptionalLong.of(caps.values().stream().mapToLong(Long::longValue).sum());
  }

  /** The bytes on the capped devices; a capped device that did no I/O yet did 0. */
  private static OptionalLong capped(
      Map<String, DeviceBytes> bytes, Map<String, Long> caps, boolean reads) {
    if (caps.isEmpty()) {
      return OptionalLong.empty();
    }
    long n = 0;
    for (String device : caps.keySet()) {
      DeviceBytes b = bytes.get(device);
      if (b != null) {
        n += reads ? b.read() : b.write();
      }
    }
    return OptionalLong.of(n);
  }

  /**
   * v1 {@code blkio.throttle.read_bps_device} or {@code write_bps_device}: {@code MAJ:MIN N} per
   * capped device; empty text when none.
   *
   * @return empty on garbage
   */
  static Optional<Map<String, Long>> v1Caps(String text) {
    Map<String, Long> caps = new HashMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      String[] f = CgroupFiles.fields(line);
      OptionalLong n =
          f.length == 2 && isDevice(f[0]) ? CgroupFiles.parseQuietly(f[1]) : OptionalLong.empty();
      if (n.isEmpty() || n.getAsLong() < 0) {
        return Optional.empty();
      }
      caps.put(f[0], n.getAsLong());
    }
    return Optional.of(caps);
  }

  /** The read and write caps of v2 {@code io.max}. */
  record V2Caps(Map<String, Long> read, Map<String, Long> write) {}

  /**
   * v2 {@code io.max}: {@code MAJ:MIN rbps=N|max wbps=N|max riops=… wiops=…} per device with any
   * cap.
   *
   * @return empty on garbage
   */
  static Optional<V2Caps> v2Caps(String text) {
    Map<String, Long> read = new HashMap<>();
    Map<String, Long> write = new HashMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      String[] f = CgroupFiles.fields(line);
      if (!isDevice(f[0])) {
        return Optional.empty();
      }
      for (int i = 1; i < f.length; i++) {
        int eq = f[i].indexOf('=');
        if (eq <= 0) {
          return Optional.empty();
        }
        String key = f[i].substring(0, eq);
        String value = f[i].substring(eq + 1);
        if (value.equals("max")) {
          continue;
        }
        OptionalLong n = CgroupFiles.parseQuietly(value);
        if (n.isEmpty() || n.getAsLong() < 0) {
          return Optional.empty();
        }
        if (key.equals("rbps")) {
          read.put(f[0], n.getAsLong());
        } else if (key.equals("wbps")) {
          write.put(f[0], n.getAsLong());
        }
      }
    }
    return Optional.of(new V2Caps(read, write));
  }

  /** {@code MAJ:MIN}, both decimal. */
  static boolean isDevice(String s) {
    int colon = s.indexOf(':');
    return colon > 0
        && colon < s.length() - 1
        && digits(s, 0, colon)
        && digits(s, colon + 1, s.length());
  }

  private static boolean digits(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }
}
