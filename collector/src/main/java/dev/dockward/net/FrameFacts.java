package dev.dockward.net;

import java.util.Objects;

/**
 * The header facts of one captured frame. Numbers that a frame did not carry are -1 (ports, ICMP
 * type and code, ARP operation, VLAN id); addresses are {@link #NO_ADDRESS} for non-IP frames.
 *
 * @param srcMac the Ethernet source, 48 bits
 * @param dstMac the Ethernet destination, 48 bits
 * @param vlanId the outermost 802.1Q/802.1ad VLAN id, or -1 when untagged
 * @param etherType the EtherType after any VLAN tags
 * @param layer3 what the EtherType announced and the parser understood
 * @param src the IP source, or the ARP sender's protocol address
 * @param dst the IP destination, or the ARP target's protocol address
 * @param protocol the IP protocol (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6, …) after IPv6 extension
 *     headers, or -1
 * @param srcPort TCP/UDP source port, or -1
 * @param dstPort TCP/UDP destination port, or -1
 * @param tcpFlags the TCP flag bits (FIN 0x01 … CWR 0x80), 0 when not TCP
 * @param icmpType ICMP or ICMPv6 type, or -1
 * @param icmpCode ICMP or ICMPv6 code, or -1
 * @param arpOp the ARP operation (1 request, 2 reply), or -1
 * @param fragment a non-first IP fragment: it has no transport header
 * @param truncated the transport header was cut off by the capture's snap length
 * @param wireLength the frame's length on the wire (not what was captured)
 */
public record FrameFacts(
    long srcMac,
    long dstMac,
    int vlanId,
    int etherType,
    Layer3 layer3,
    IpAddress src,
    IpAddress dst,
    int protocol,
    int srcPort,
    int dstPort,
    int tcpFlags,
    int icmpType,
    int icmpCode,
    int arpOp,
    boolean fragment,
    boolean truncated,
    int wireLength) {

  /** The address of a frame that has none. */
  public static final IpAddress NO_ADDRESS = new IpAddress(0L, 0L);

  public static final int TCP = 6;
  public static final int UDP = 17;
  public static final int ICMP = 1;
  public static final int ICMPV6 = 58;

  public static final int FIN = 0x01;
  public static final int SYN = 0x02;
  public static final int RST = 0x04;
  public static final int PSH = 0x08;
  public static final int ACK = 0x10;

  /** What a frame carries above Ethernet. */
  public enum Layer3 {
    ARP,
    IPV4,
    IPV6,
    OTHER
  }

  public FrameFacts {
    Objects.requireNonNull(layer3, "layer3");
    Objects.requireNonNull(src, "src");
    Objects.requireNonNull(dst, "dst");
  }

  /** Whether this frame belongs to a flow: IP with a known protocol. */
  public boolean isIp() {
    return layer3 == Layer3.IPV4 || layer3 == Layer3.IPV6;
  }

  /** The MAC address in the usual colon form. */
  public static String macText(long mac) {
    StringBuilder b = new StringBuilder(17);
    for (int i = 5; i >= 0; i--) {
      int octet = (int) (mac >>> (8 * i)) & 0xff;
      b.append(Character.forDigit(octet >>> 4, 16)).append(Character.forDigit(octet & 0xf, 16));
      if (i > 0) {
        b.append(':');
      }
    }
    return b.toString();
  }
}
