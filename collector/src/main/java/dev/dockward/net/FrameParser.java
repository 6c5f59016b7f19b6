package dev.dockward.net;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Parses Ethernet frames (802.1Q / 802.1ad tags), ARP, IPv4, IPv6 (hop-by-hop, routing, fragment,
 * destination options and AH extension headers), TCP, UDP, ICMP and ICMPv6 headers into {@link
 * FrameFacts}. Reads with absolute gets from any {@link ByteBuffer} (the capture ring or a test's
 * array): nothing is copied and nothing is allocated but the result.
 *
 * <p>A frame whose Ethernet, ARP or IP header is short or inconsistent is <em>malformed</em>: it is
 * counted and yields no facts. A transport header cut off by the snap length still yields the IP
 * facts, marked {@code truncated}. No input makes {@link #parse} throw. One parser per capture
 * thread: the counters are not synchronized for writing.
 */
public final class FrameParser {
  static final int ETH_HEADER = 14;
  static final int ETHERTYPE_IPV4 = 0x0800;
  static final int ETHERTYPE_ARP = 0x0806;
  static final int ETHERTYPE_IPV6 = 0x86dd;
  static final int ETHERTYPE_VLAN = 0x8100;
  static final int ETHERTYPE_QINQ = 0x88a8;

  /** More tags than this is not a frame a bridge forwards: malformed. */
  private static final int MAX_VLAN_TAGS = 2;

  /** IPv6 extension headers followed before giving up (RFC 8200 expects only a handful). */
  private static final int MAX_EXTENSION_HEADERS = 8;

  private volatile long parsed;
  private volatile long malformed;
  private volatile long truncated;
  private volatile long nonIp;

  /**
   * Parses the {@code captured} bytes at {@code offset}.
   *
   * @param wireLength the frame's length on the wire, as the capture reports it
   * @return the facts, or empty for a malformed frame (counted)
   */
  public Optional<FrameFacts> parse(ByteBuffer frame, int offset, int captured, int wireLength) {
    FrameFacts facts;
    try {
      facts =
          parseFrame(
              frame, offset, Math.min(captured, Math.max(0, frame.limit() - offset)), wireLength);
    } catch (IndexOutOfBoundsException e) {
      // The bound checks below should make this unreachable; a frame must never stop a capture.
      facts = null;
    }
    if (facts == null) {
      malformed++;
      return Optional.empty();
    }
    parsed++;
    if (facts.truncated()) {
      truncated++;
    }
    if (!facts.isIp()) {
      nonIp++;
    }
    return Optional.of(facts);
  }

  /** Frames parsed, malformed, truncated at the transport header, and not IP (ARP and others). */
  public Map<String, Long> counters() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("frames_parsed", parsed);
    m.put("frames_malformed", malformed);
    m.put("frames_truncated", truncated);
    m.put("frames_not_ip", nonIp);
    return m;
  }

  public long malformed() {
    return malformed;
  }

  private static FrameFacts parseFrame(ByteBuffer b, int off, int len, int wireLength) {
    if (off < 0 || len < ETH_HEADER) {
      return null;
    }
    long dstMac = mac(b, off);
    long srcMac = mac(b, off + 6);
    int pos = off + 12;
    int end = off + len;
    int etherType = u16(b, pos);
    int vlan = -1;
    int tags = 0;
    while (etherType == ETHERTYPE_VLAN || etherType == ETHERTYPE_QINQ) {
      if (++tags > MAX_VLAN_TAGS || pos + 6 > end) {
        return null;
      }
      if (vlan < 0) {
        vlan = u16(b, pos + 2) & 0x0fff;
      }
      pos += 4;
      etherType = u16(b, pos);
    }
    pos += 2;
    Builder f = new Builder(srcMac, dstMac, vlan, etherType, wireLength);
    switch (etherType) {
      case ETHERTYPE_ARP:
        return arp(b, pos, end, f);
      case ETHERTYPE_IPV4:
        return ipv4(b, pos, end, f);
      case ETHERTYPE_IPV6:
        return ipv6(b, pos, end, f);
      default:
        return f.build(FrameFacts.Layer3.OTHER);
    }
  }

  /** ARP for IPv4 over Ethernet; other hardware or protocol types are malformed here. */
  private static FrameFacts arp(ByteBuffer b, int pos, int end, Builder f) {
    if (pos + 28 > end
        || u16(b, pos) != 1
        || u16(b, pos + 2) != ETHERTYPE_IPV4
        || u8(b, pos + 4) != 6
        || u8(b, pos + 5) != 4) {
      return null;
    }
    f.arpOp = u16(b, pos + 6);
    f.src = IpAddress.v4(u32(b, pos + 14));
    f.dst = IpAddress.v4(u32(b, pos + 24));
    return f.build(FrameFacts.Layer3.ARP);
  }

  private static FrameFacts ipv4(ByteBuffer b, int pos, int end, Builder f) {
    if (pos + 20 > end) {
      return null;
    }
    int versionIhl = u8(b, pos);
    int headerLength = (versionIhl & 0x0f) * 4;
    int totalLength = u16(b, pos + 2);
    if (versionIhl >>> 4 != 4
        || headerLength < 20
        || totalLength < headerLength
        || pos + headerLength > end) {
      return null;
    }
    f.protocol = u8(b, pos + 9);
    f.src = IpAddress.v4(u32(b, pos + 12));
    f.dst = IpAddress.v4(u32(b, pos + 16));
    f.fragment = (u16(b, pos + 6) & 0x1fff) != 0;
    // The capture may hold Ethernet padding beyond the IP datagram: the datagram ends where IP
    // says.
    int datagramEnd = Math.min(end, pos + totalLength);
    if (!f.fragment) {
      transport(b, pos + headerLength, datagramEnd, f);
    }
    return f.build(FrameFacts.Layer3.IPV4);
  }

  private static FrameFacts ipv6(ByteBuffer b, int pos, int end, Builder f) {
    if (pos + 40 > end || u8(b, pos) >>> 4 != 6) {
      return null;
    }
    int next = u8(b, pos + 6);
    f.src = new IpAddress(u64(b, pos + 8), u64(b, pos + 16));
    f.dst = new IpAddress(u64(b, pos + 24), u64(b, pos + 32));
    int datagramEnd = Math.min(end, pos + 40 + u16(b, pos + 4));
    int p = pos + 40;
    for (int i = 0; i < MAX_EXTENSION_HEADERS; i++) {
      int length;
      switch (next) {
        case 0, 43, 60 -> { // hop-by-hop, routing, destination options: (len + 1) * 8
          if (p + 2 > datagramEnd) {
            f.protocol = next;
            f.truncated = true;
            return f.build(FrameFacts.Layer3.IPV6);
          }
          length = (u8(b, p + 1) + 1) * 8;
        }
        case 44 -> { // fragment: 8 bytes; a non-first fragment has no transport header
          if (p + 8 > datagramEnd) {
            f.protocol = next;
            f.truncated = true;
            return f.build(FrameFacts.Layer3.IPV6);
          }
          length = 8;
          f.fragment = (u16(b, p + 2) & 0xfff8) != 0;
        }
        case 51 -> { // authentication header: (len + 2) * 4
          if (p + 2 > datagramEnd) {
            f.protocol = next;
            f.truncated = true;
            return f.build(FrameFacts.Layer3.IPV6);
          }
          length = (u8(b, p + 1) + 2) * 4;
        }
        default -> {
          f.protocol = next;
          if (!f.fragment && next != 59) { // 59: no next header
            transport(b, p, datagramEnd, f);
          }
          return f.build(FrameFacts.Layer3.IPV6);
        }
      }
      next = u8(b, p);
      p += length;
      if (f.fragment) {
        f.protocol = next;
        return f.build(FrameFacts.Layer3.IPV6);
      }
    }
    return null; // a chain of extension headers longer than any sane packet's
  }

  /** TCP, UDP, ICMP and ICMPv6 headers; a header cut short sets {@code truncated}. */
  private static void transport(ByteBuffer b, int p, int end, Builder f) {
    switch (f.protocol) {
      case FrameFacts.TCP -> {
        if (p + 14 > end) {
          f.truncated = true;
          return;
        }
        f.srcPort = u16(b, p);
        f.dstPort = u16(b, p + 2);
        f.tcpFlags = u8(b, p + 13);
      }
      case FrameFacts.UDP -> {
        if (p + 4 > end) {
          f.truncated = true;
          return;
        }
        f.srcPort = u16(b, p);
        f.dstPort = u16(b, p + 2);
      }
      case FrameFacts.ICMP, FrameFacts.ICMPV6 -> {
        if (p + 2 > end) {
          f.truncated = true;
          return;
        }
        f.icmpType = u8(b, p);
        f.icmpCode = u8(b, p + 1);
      }
      default -> {}
    }
  }

  private static int u8(ByteBuffer b, int i) {
    return b.get(i) & 0xff;
  }

  private static int u16(ByteBuffer b, int i) {
    return ((b.get(i) & 0xff) << 8) | (b.get(i + 1) & 0xff);
  }

  /** Network order whatever the buffer's byte order (the capture ring's view is little-endian). */
  private static int u32(ByteBuffer b, int i) {
    return (u16(b, i) << 16) | u16(b, i + 2);
  }

  private static long u64(ByteBuffer b, int i) {
    return ((long) u32(b, i) << 32) | (u32(b, i + 4) & 0xffff_ffffL);
  }

  private static long mac(ByteBuffer b, int i) {
    return ((long) u16(b, i) << 32) | (u32(b, i + 2) & 0xffff_ffffL);
  }

  /**
   * The facts gathered while walking the headers (on the stack of one parse: escape analysis drops
   * it).
   */
  private static final class Builder {
    final long srcMac;
    final long dstMac;
    final int vlan;
    final int etherType;
    final int wireLength;
    IpAddress src = FrameFacts.NO_ADDRESS;
    IpAddress dst = FrameFacts.NO_ADDRESS;
    int protocol = -1;
    int srcPort = -1;
    int dstPort = -1;
    int tcpFlags;
    int icmpType = -1;
    int icmpCode = -1;
    int arpOp = -1;
    boolean fragment;
    boolean truncated;

    Builder(long srcMac, long dstMac, int vlan, int etherType, int wireLength) {
      this.srcMac = srcMac;
      this.dstMac = dstMac;
      this.vlan = vlan;
      this.etherType = etherType;
      this.wireLength = wireLength;
    }

    FrameFacts build(FrameFacts.Layer3 layer3) {
      return new FrameFacts(
          srcMac,
          dstMac,
          vlan,
          etherType,
          layer3,
          src,
          dst,
          protocol,
          srcPort,
          dstPort,
          tcpFlags,
          icmpType,
          icmpCode,
          arpOp,
          fragment,
          truncated,
          wireLength);
    }
  }
}
