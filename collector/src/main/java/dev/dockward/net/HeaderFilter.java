package dev.dockward.net;

import com.sun.jna.Memory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Collection;

/**
 * The classic BPF programs attached to the capture sockets ({@code SO_ATTACH_FILTER}): frames that
 * are IPv4, IPv6, ARP or VLAN-tagged pass, cut to the snap length (the kernel copies no more than
 * the program returns); everything else stays in the kernel. Before the EtherType test each program
 * keeps only the frames of its side of the bridge, by the kernel's own facts about the frame
 * ({@code SKF_AD_PKTTYPE}, {@code SKF_AD_IFINDEX}), so that every frame is seen once:
 *
 * <ul>
 *   <li>{@link #fromHost}, on a socket bound to a bridge: only frames the host sends into the
 *       bridge ({@code PACKET_OUTGOING}); what the bridge delivers up to the host came in through a
 *       container's port and is seen there.
 *   <li>{@link #fromPorts}, on one socket bound to no interface: frames <em>received</em> by an
 *       interface (never {@code PACKET_OUTGOING}) that is not one of {@code notPorts}, i.e. frames
 *       entering a bridge through a container's port.
 * </ul>
 *
 * <pre>
 *   ld  #pkttype              ; fromHost: jeq #4, 1, 0 ; ret #0
 *   jeq #4, 0, 1              ; fromPorts: an outgoing frame …
 *   ret #0                    ; … is dropped
 *   ld  #ifindex              ; fromPorts only, then per interface that is no port:
 *   jeq #n, 0, 1
 *   ret #0
 *   ldh [12]                  ; EtherType
 *   jeq #0x0800, accept      ; one jeq per type
 *   …
 *   ret #0                   ; drop
 * accept:
 *   ret #snapLength
 * </pre>
 */
final class HeaderFilter {
  static final int[] ETHER_TYPES = {0x0800, 0x86dd, 0x0806, 0x8100, 0x88a8};

  /**
   * Interfaces excluded in the kernel at most; beyond, the capture thread skips the rest (counted).
   */
  static final int MAX_EXCLUDED = 1_500;

  static final int PACKET_OUTGOING = 4;
  private static final int BPF_LD_W_ABS = 0x20;
  private static final int BPF_LD_H_ABS = 0x28;
  private static final int BPF_JMP_JEQ_K = 0x15;
  private static final int BPF_RET_K = 0x06;

  /** {@code SKF_AD_OFF + SKF_AD_PKTTYPE} and {@code + SKF_AD_IFINDEX}: ancillary loads. */
  private static final int AD_PKTTYPE = -0x1000 + 4;

  private static final int AD_IFINDEX = -0x1000 + 8;

  private HeaderFilter() {}

  /** The EtherType test alone (no side of the bridge chosen). */
  static byte[] program(int snapLength) {
    ByteBuffer b = buffer(ETHER_TYPES.length + 3);
    etherTypes(b, snapLength);
    return b.array();
  }

  /** Frames the host sends into the bridge the socket is bound to. */
  static byte[] fromHost(int snapLength) {
    ByteBuffer b = buffer(3 + ETHER_TYPES.length + 3);
    instruction(b, BPF_LD_W_ABS, 0, 0, AD_PKTTYPE);
    instruction(b, BPF_JMP_JEQ_K, 1, 0, PACKET_OUTGOING);
    instruction(b, BPF_RET_K, 0, 0, 0);
    etherTypes(b, snapLength);
    return b.array();
  }

  /**
   * Frames received by any interface but {@code notPorts} (at most {@link #MAX_EXCLUDED} of them
   * are excluded here), for a socket bound to no interface.
   */
  static byte[] fromPorts(int snapLength, Collection<Integer> notPorts) {
    int excluded = Math.min(notPorts.size(), MAX_EXCLUDED);
    ByteBuffer b = buffer(4 + 2 * excluded + ETHER_TYPES.length + 3);
    instruction(b, BPF_LD_W_ABS, 0, 0, AD_PKTTYPE);
    instruction(b, BPF_JMP_JEQ_K, 0, 1, PACKET_OUTGOING);
    instruction(b, BPF_RET_K, 0, 0, 0);
    instruction(b, BPF_LD_W_ABS, 0, 0, AD_IFINDEX);
    int n = 0;
    for (int ifindex : notPorts) {
      if (n++ == excluded) {
        break;
      }
      instruction(b, BPF_JMP_JEQ_K, 0, 1, ifindex);
      instruction(b, BPF_RET_K, 0, 0, 0);
    }
    etherTypes(b, snapLength);
    return b.array();
  }

  /**
   * {@code struct sock_fprog} pointing at a copy of the program; keep the returned memory alive
   * while attaching.
   */
  static Memory[] fprog(byte[] program) {
    Memory filter = new Memory(program.length);
    filter.write(0, program, 0, program.length);
    Memory fprog =
        new Memory(16); // unsigned short len; 6 bytes padding; struct sock_filter *filter
    fprog.clear();
    fprog.setShort(0, (short) (program.length / 8));
    fprog.setPointer(8, filter);
    return new Memory[] {fprog, filter};
  }

  private static ByteBuffer buffer(int instructions) {
    return ByteBuffer.allocate(instructions * 8).order(ByteOrder.nativeOrder());
  }

  private static void etherTypes(ByteBuffer b, int snapLength) {
    int n = ETHER_TYPES.length;
    instruction(b, BPF_LD_H_ABS, 0, 0, 12);
    for (int i = 1; i <= n; i++) {
      // Jumps count from the next instruction: the accepting ret is n - i + 1 further on.
      instruction(b, BPF_JMP_JEQ_K, n - i + 1, 0, ETHER_TYPES[i - 1]);
    }
    instruction(b, BPF_RET_K, 0, 0, 0);
    instruction(b, BPF_RET_K, 0, 0, snapLength);
  }

  /** {@code struct sock_filter}: code (u16), jt (u8), jf (u8), k (u32), in native order. */
  private static void instruction(ByteBuffer b, int code, int jt, int jf, int k) {
    b.putShort((short) code).put((byte) jt).put((byte) jf).putInt(k);
  }
}
