package dev.dockward.net;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One {@code AF_PACKET} socket, bound to one interface (a bridge) or to none (every interface),
 * with a {@code TPACKET_V3} receive ring mapped into the JVM: the kernel fills blocks of frames, we
 * read them through a direct {@link ByteBuffer} over the mapping (no system call, no JNI and no
 * copy per frame) and hand each block back. Each frame comes with the index of the interface it was
 * captured on ({@code sll_ifindex}, written by the kernel): for a frame received on a bridge port,
 * the port it entered the bridge by. The socket carries a {@link HeaderFilter} program, so only the
 * wanted frames' headers reach the ring. No socket asks for promiscuous mode: no interface setting
 * is changed.
 *
 * <p>Setup order matters: the socket is opened with protocol 0 (it receives nothing), gets its
 * filter, version and ring, and only then is bound with {@code ETH_P_ALL}, so no unfiltered frame
 * is ever queued. One thread drains; {@link #close} from the same thread.
 */
final class PacketRing implements AutoCloseable {
  /** {@code struct tpacket_block_desc}: block_status, num_pkts, offset_to_first_pkt. */
  private static final int BLOCK_STATUS = 8;

  private static final int BLOCK_NUM_PACKETS = 12;
  private static final int BLOCK_FIRST_PACKET = 16;

  /** {@code struct tpacket3_hdr}. */
  private static final int PKT_NEXT = 0;

  private static final int PKT_SEC = 4;
  private static final int PKT_NSEC = 8;
  private static final int PKT_SNAPLEN = 12;
  private static final int PKT_LEN = 16;
  private static final int PKT_MAC = 24;

  /**
   * {@code struct sockaddr_ll} follows the header at TPACKET_ALIGN(sizeof(tpacket3_hdr)) = 48;
   * sll_ifindex at +4.
   */
  private static final int PKT_IFINDEX = 48 + 4;

  private static final int TP_STATUS_KERNEL = 0;
  private static final int TP_STATUS_USER = 1;

  /** A block is handed to us at the latest after this long, even if not full. */
  private static final int BLOCK_RETIRE_MILLIS = 50;

  private static final int BLOCK_SIZE = 1 << 20;
  private static final int FRAME_SIZE = 2048; // only used by the kernel to size tp_frame_nr in V3
  // Acquire/release on the block status word: the kernel writes the frames before it, we read
  // after.
  private static final VarHandle INT =
      MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());

  /** Receives the frames of a drained block. */
  @FunctionalInterface
  interface FrameHandler {
    /**
     * The frame's bytes are at {@code offset} in {@code ring}, valid only during the call; {@code
     * ifindex} is the interface it was captured on.
     */
    void frame(
        ByteBuffer ring, int offset, int captured, int wireLength, long timeMillis, int ifindex);
  }

  private final String iface;
  private final int ifindex;
  private final int fd;
  private final Pointer mapping;
  private final long mappingSize;
  private final ByteBuffer ring;
  private final int blocks;
  private int current;
  private long kernelPackets;
  private long kernelDrops;
  private boolean closed;

  private PacketRing(
      String iface, int ifindex, int fd, Pointer mapping, long mappingSize, int blocks) {
    this.iface = iface;
    this.ifindex = ifindex;
    this.fd = fd;
    this.mapping = mapping;
    this.mappingSize = mappingSize;
    this.ring = mapping.getByteBuffer(0, mappingSize).order(ByteOrder.nativeOrder());
    this.blocks = blocks;
  }

  /**
   * Opens a ring.
   *
   * @param iface what the ring captures on, for logs (a bridge's name)
   * @param ifindex the interface to bind to, or 0 for every interface
   * @param ringBytes the ring's size, rounded to whole 1 MiB blocks (at least 2)
   * @param filter the {@link HeaderFilter} program
   * @param ignoreOutgoing whether frames the host transmits are kept from the socket before they
   *     are copied ({@code PACKET_IGNORE_OUTGOING}, Linux 4.20+: the filter drops them anyway, this
   *     spares the kernel a copy of every frame sent on the host)
   * @throws CaptureUnavailableException when this process may not capture at all (EPERM/EACCES)
   * @throws LastErrorException on any other failure (the bridge vanished meanwhile, …)
   */
  static PacketRing open(
      String iface,
      int ifindex,
      int snapLength,
      long ringBytes,
      byte[] filter,
      boolean ignoreOutgoing)
      throws CaptureUnavailableException {
    int fd = openSocket();
    try {
      attach(fd, filter);
      if (ignoreOutgoing) {
        try {
          PacketLibC.setsockopt(
              fd, PacketLibC.SOL_PACKET, PacketLibC.PACKET_IGNORE_OUTGOING, ints(1), 4);
        } catch (LastErrorException e) {
          // An older kernel: the filter still drops outgoing frames, after the kernel's copy.
        }
      }
      PacketLibC.setsockopt(
          fd, PacketLibC.SOL_PACKET, PacketLibC.PACKET_VERSION, ints(PacketLibC.TPACKET_V3), 4);
      int blocks = (int) Math.max(2, ringBytes / BLOCK_SIZE);
      Memory req =
          ints(
              BLOCK_SIZE,
              blocks,
              FRAME_SIZE,
              blocks * (BLOCK_SIZE / FRAME_SIZE),
              BLOCK_RETIRE_MILLIS,
              0,
              0);
      PacketLibC.setsockopt(fd, PacketLibC.SOL_PACKET, PacketLibC.PACKET_RX_RING, req, 28);
      long size = (long) blocks * BLOCK_SIZE;
      Pointer mapping =
          PacketLibC.mmap(
              null,
              size,
              PacketLibC.PROT_READ | PacketLibC.PROT_WRITE,
              PacketLibC.MAP_SHARED,
              fd,
              0);
      try {
        PacketLibC.bind(fd, linkAddress(ifindex), 20);
      } catch (LastErrorException e) {
        PacketLibC.munmap(mapping, size);
        throw e;
      }
      return new PacketRing(iface, ifindex, fd, mapping, size, blocks);
    } catch (LastErrorException e) {
      PacketLibC.close(fd);
      throw e;
    }
  }

  /** Replaces the socket's filter at once (the kernel swaps programs atomically). */
  void replaceFilter(byte[] filter) {
    attach(fd, filter);
  }

  private static void attach(int fd, byte[] filter) {
    Memory[] fprog = HeaderFilter.fprog(filter);
    PacketLibC.setsockopt(fd, PacketLibC.SOL_SOCKET, PacketLibC.SO_ATTACH_FILTER, fprog[0], 16);
  }

  /**
   * Checks that this process may open packet sockets at all, so the agent can say so once at start.
   */
  static void probe() throws CaptureUnavailableException {
    PacketLibC.close(openSocket());
  }

  private static int openSocket() throws CaptureUnavailableException {
    try {
      return PacketLibC.socket(
          PacketLibC.AF_PACKET, PacketLibC.SOCK_RAW | PacketLibC.SOCK_CLOEXEC, 0);
    } catch (LastErrorException e) {
      throw new CaptureUnavailableException(
          "cannot open an AF_PACKET socket (errno "
              + e.getErrorCode()
              + (e.getErrorCode() == PacketLibC.EPERM || e.getErrorCode() == PacketLibC.EACCES
                  ? ": the agent needs CAP_NET_RAW, i.e. root)"
                  : ")"),
          e);
    } catch (UnsatisfiedLinkError e) {
      throw new CaptureUnavailableException("cannot bind libc through JNA: " + e.getMessage(), e);
    }
  }

  String iface() {
    return iface;
  }

  int ifindex() {
    return ifindex;
  }

  int fd() {
    return fd;
  }

  /**
   * Hands every frame of the blocks the kernel has released to {@code handler} and returns the
   * blocks; stops after one pass over the ring so a flood cannot starve the caller's other work.
   *
   * @return frames handed over
   */
  int drain(FrameHandler handler) {
    int frames = 0;
    for (int visited = 0; visited < blocks; visited++) {
      int block = current * BLOCK_SIZE;
      if (((int) INT.getAcquire(ring, block + BLOCK_STATUS) & TP_STATUS_USER) == 0) {
        break;
      }
      int count = ring.getInt(block + BLOCK_NUM_PACKETS);
      int packet = block + ring.getInt(block + BLOCK_FIRST_PACKET);
      for (int i = 0; i < count; i++) {
        int captured = ring.getInt(packet + PKT_SNAPLEN);
        int wire = ring.getInt(packet + PKT_LEN);
        long millis =
            (ring.getInt(packet + PKT_SEC) & 0xffff_ffffL) * 1000L
                + (ring.getInt(packet + PKT_NSEC) & 0xffff_ffffL) / 1_000_000L;
        int mac = packet + (ring.getShort(packet + PKT_MAC) & 0xffff);
        if (mac + captured <= block + BLOCK_SIZE) { // never trust an offset to leave the block
          handler.frame(ring, mac, captured, wire, millis, ring.getInt(packet + PKT_IFINDEX));
        }
        packet += ring.getInt(packet + PKT_NEXT);
        frames++;
      }
      INT.setRelease(ring, block + BLOCK_STATUS, TP_STATUS_KERNEL);
      current = (current + 1) % blocks;
    }
    return frames;
  }

  /**
   * Reads {@code PACKET_STATISTICS} (which the kernel resets on each read) into the running totals:
   * packets the socket received (drops included) and dropped because the ring was full.
   */
  void readStatistics() {
    Memory stats = new Memory(12);
    stats.clear();
    try {
      PacketLibC.getsockopt(
          fd, PacketLibC.SOL_PACKET, PacketLibC.PACKET_STATISTICS, stats, new int[] {12});
      kernelPackets += stats.getInt(0) & 0xffff_ffffL;
      kernelDrops += stats.getInt(4) & 0xffff_ffffL;
    } catch (LastErrorException e) {
      // The interface went away; the totals so far stand.
    }
  }

  long kernelPackets() {
    return kernelPackets;
  }

  long kernelDrops() {
    return kernelDrops;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    readStatistics();
    try {
      PacketLibC.munmap(mapping, mappingSize);
    } finally {
      PacketLibC.close(fd);
    }
  }

  private static Memory ints(int... values) {
    Memory m = new Memory(4L * values.length);
    for (int i = 0; i < values.length; i++) {
      m.setInt(4L * i, values[i]);
    }
    return m;
  }

  /** {@code struct sockaddr_ll}: family, protocol (network order), ifindex; the rest zero. */
  private static byte[] linkAddress(int ifindex) {
    ByteBuffer b = ByteBuffer.allocate(20).order(ByteOrder.nativeOrder());
    b.putShort((short) PacketLibC.AF_PACKET);
    b.put((byte) (PacketLibC.ETH_P_ALL >>> 8)).put((byte) PacketLibC.ETH_P_ALL);
    b.putInt(ifindex);
    return b.array();
  }
}
