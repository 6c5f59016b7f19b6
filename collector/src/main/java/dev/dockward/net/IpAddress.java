package dev.dockward.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * An IPv4 or IPv6 address as two longs, so that it is a value (flow keys compare and hash it)
 * without a byte array. IPv4 is held IPv4-mapped ({@code ::ffff:a.b.c.d}).
 */
public record IpAddress(long high, long low) {
  private static final long V4_MAPPED_LOW = 0x0000_ffff_0000_0000L;

  /** The IPv4 address with these four bytes, big-endian in {@code bits}. */
  public static IpAddress v4(int bits) {
    return new IpAddress(0L, V4_MAPPED_LOW | (bits & 0xffff_ffffL));
  }

  /**
   * Parses a literal address (Docker's inventory form); empty for anything else, never a DNS
   * lookup.
   */
  public static Optional<IpAddress> parse(String text) {
    if (text == null || text.isEmpty()) {
      return Optional.empty();
    }
    if (text.indexOf(':') < 0) {
      return parseV4(text);
    }
    try {
      // With a colon, InetAddress takes the text as an IPv6 literal or rejects it: no resolver.
      byte[] b = InetAddress.getByName(text.startsWith("[") ? text : "[" + text + "]").getAddress();
      return Optional.of(of(b));
    } catch (UnknownHostException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static Optional<IpAddress> parseV4(String text) {
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      return Optional.empty();
    }
    int bits = 0;
    for (String part : parts) {
      if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)) {
        return Optional.empty();
      }
      int octet = Integer.parseInt(part);
      if (octet > 255) {
        return Optional.empty();
      }
      bits = (bits << 8) | octet;
    }
    return Optional.of(v4(bits));
  }

  /** From 4 or 16 network-order bytes. */
  public static IpAddress of(byte[] b) {
    if (b.length == 4) {
      return v4(
          ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff));
    }
    if (b.length != 16) {
      throw new IllegalArgumentException("an IP address has 4 or 16 bytes, not " + b.length);
    }
    return new IpAddress(longAt(b, 0), longAt(b, 8));
  }

  public boolean isV4() {
    return high == 0L && (low & 0xffff_ffff_0000_0000L) == V4_MAPPED_LOW;
  }

  @Override
  public String toString() {
    if (isV4()) {
      return ((low >>> 24) & 0xff)
          + "."
          + ((low >>> 16) & 0xff)
          + "."
          + ((low >>> 8) & 0xff)
          + "."
          + (low & 0xff);
    }
    return v6Text();
  }

  /**
   * RFC 5952: lower-case hex groups without leading zeros, the longest run (≥ 2) of zero groups as
   * "::".
   */
  private String v6Text() {
    int[] groups = new int[8];
    for (int i = 0; i < 4; i++) {
      groups[i] = (int) (high >>> (48 - 16 * i)) & 0xffff;
      groups[4 + i] = (int) (low >>> (48 - 16 * i)) & 0xffff;
    }
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; ) {
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j == i ? i + 1 : j;
    }
    StringBuilder b = new StringBuilder(39);
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        b.append("::");
        i += bestLength - 1;
        continue;
      }
      if (b.length() > 0 && b.charAt(b.length() - 1) != ':') {
        b.append(':');
      }
      b.append(Integer.toHexString(groups[i]));
    }
    return b.toString();
  }

  private static long longAt(byte[] b, int off) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (b[off + i] & 0xff);
    }
    return v;
  }
}
