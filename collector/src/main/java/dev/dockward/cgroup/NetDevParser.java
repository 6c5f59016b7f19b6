package dev.dockward.cgroup;

import dev.dockward.event.ResourceCounters;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Parses {@code /proc/<pid>/net/dev}: the traffic of every interface of that process's network
 * namespace, summed over all but loopback (a container talking to itself floods no one).
 */
final class NetDevParser {
  private static final int HEADER_LINES = 2;
  private static final int RX_BYTES = 0;
  private static final int RX_PACKETS = 1;
  private static final int TX_BYTES = 8;
  private static final int TX_PACKETS = 9;
  private static final int FIELDS = 16;

  private NetDevParser() {}

  /**
   * @return empty when the text is not what the kernel writes (any line without 16 counters)
   */
  static Optional<ResourceCounters.Net> parse(String text) {
    String[] lines = text.split("\n");
    if (lines.length < HEADER_LINES || !lines[0].startsWith("Inter-|")) {
      return Optional.empty();
    }
    long rxBytes = 0;
    long rxPackets = 0;
    long txBytes = 0;
    long txPackets = 0;
    for (int i = HEADER_LINES; i < lines.length; i++) {
      String line = lines[i];
      if (line.isBlank()) {
        continue;
      }
      // "  eth0: 1296 16 …"; a long name or a big number may leave no blank after the colon.
      int colon = line.indexOf(':');
      if (colon < 0) {
        return Optional.empty();
      }
      String[] f = CgroupFiles.fields(line.substring(colon + 1));
      if (f.length != FIELDS) {
        return Optional.empty();
      }
      if (line.substring(0, colon).strip().equals("lo")) {
        continue;
      }
      OptionalLong[] v = {
        CgroupFiles.parseQuietly(f[RX_BYTES]),
        CgroupFiles.parseQuietly(f[RX_PACKETS]),
        CgroupFiles.parseQuietly(f[TX_BYTES]),
        CgroupFiles.parseQuietly(f[TX_PACKETS])
      };
      for (OptionalLong x : v) {
        if (x.isEmpty() || x.getAsLong() < 0) {
          return Optional.empty();
        }
      }
      rxBytes += v[0].getAsLong();
      rxPackets += v[1].getAsLong();
      txBytes += v[2].getAsLong();
      txPackets += v[3].getAsLong();
    }
    return Optional.of(
        new ResourceCounters.Net(
            OptionalLong.of(rxBytes),
            OptionalLong.of(rxPackets),
            OptionalLong.of(txBytes),
            OptionalLong.of(txPackets)));
  }
}
