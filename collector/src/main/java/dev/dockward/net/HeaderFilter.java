package dev.dockward.net;

import com.sun.jna.Memory;
import java.nio.ByteOrder;

/**
 * The classic BPF program attached to every capture socket ({@code SO_ATTACH_FILTER}): frames
 * that are IPv4, IPv6, ARP or VLAN-tagged pass, cut to the snap length (the kernel copies no more
 * than the program returns); everything else stays in the kernel.
 *
 * <pre>
 *   ldh [12]                 ; EtherType
 *   jeq #0x0800, accept      ; one jeq per type
 *   …
 *   ret #0                   ; drop
 * accept:
 *   ret #snapLength
 * </pre>
 */
final class HeaderFilter {
  static final int[] ETHER_TYPES = {0x0800, 0x86dd, 0x0806, 0x8100, 0x88a8};
  private static final int BPF_LD_H_ABS = 0x28;
  private static final int BPF_JMP_JEQ_K = 0x15;
  private static final int BPF_RET_K = 0x06;

  private HeaderFilter() {}

  /** {@code struct sock_filter[]}: code (u16), jt (u8), jf (u8), k (u32), in native order. */
  static byte[] program(int snapLength) {
    int n = ETHER_TYPES.length;
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate((n + 3) * 8).order(ByteOrder.nativeOrder());
    instruction(b, BPF_LD_H_ABS, 0, 0, 12);
    for (int i = 1; i <= n; i++) {
      // Jumps count from the next instruction: the accepting ret is at n + 2.
      instruction(b, BPF_JMP_JEQ_K, n - i + 1, 0, ETHER_TYPES[i - 1]);
    }
    instruction(b, BPF_RET_K, 0, 0, 0);
    instruction(b, BPF_RET_K, 0, 0, snapLength);
    return b.array();
  }

  /** {@code struct sock_fprog} pointing at a copy of the program; keep the returned memory alive while attaching. */
  static Memory[] fprog(int snapLength) {
    byte[] program = program(snapLength);
    Memory filter = new Memory(program.length);
    filter.write(0, program, 0, program.length);
    Memory fprog = new Memory(16); // unsigned short len; 6 bytes padding; struct sock_filter *filter
    fprog.clear();
    fprog.setShort(0, (short) (program.length / 8));
    fprog.setPointer(8, filter);
    return new Memory[] {fprog, filter};
  }

  private static void instruction(java.nio.ByteBuffer b, int code, int jt, int jf, int k) {
    b.putShort((short) code).put((byte) jt).put((byte) jf).putInt(k);
  }
}
