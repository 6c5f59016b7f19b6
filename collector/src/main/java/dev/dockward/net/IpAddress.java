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

  /** Parses a literal address (Docker's inventory form); empty for anything else, never a DNS lookup. */
  public static Optional<IpAddress> parse(String text) {
    if (text == null || text.isEmpty() || !(text.indexOf(':') >= 0 || text.matches("[0-9.]+"))) {
      return Optional.empty();
    }
    try {
      byte[] b = InetAddress.getByName(text).getAddress();
      return Optional.of(of(b));
    } catch (UnknownHostException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** From 4 or 16 network-order bytes. */
  public static IpAddress of(byte[] b) {
    if (b.length == 4) {
      return v4(((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff));
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
      return ((low >>> 24) & 0xff) + "." + ((low >>> 16) & 0xff) + "." + ((low >>> 8) & 0xff) + "." + (low & 0xff);
    }
    byte[] b = new byte[16];
    for (int i = 0; i < 8; i++) {
      b[i] = (byte) (high >>> (56 - 8 * i));
      b[8 + i] = (byte) (low >>> (56 - 8 * i));
    }
    try {
      // Java writes the full form (0:0:0:…); good enough and unambiguous.
      return InetAddress.getByAddress(b).getHostAddress();
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e); // 16 bytes is always a valid length
    }
  }

  private static long longAt(byte[] b, int off) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (b[off + i] & 0xff);
    }
    return v;
  }
}
