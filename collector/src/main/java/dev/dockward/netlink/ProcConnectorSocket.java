package dev.dockward.netlink;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;

/**
 * A netlink socket subscribed to the kernel's process connector ({@code NETLINK_CONNECTOR},
 * multicast group {@code CN_IDX_PROC}, {@code PROC_CN_MCAST_LISTEN}). One thread receives; any
 * thread may close.
 */
final class ProcConnectorSocket implements AutoCloseable {
  static final int NETLINK_CONNECTOR = 11;
  static final int CN_IDX_PROC = 1;
  static final int CN_VAL_PROC = 1;
  static final int PROC_CN_MCAST_LISTEN = 1;
  static final int PROC_CN_MCAST_IGNORE = 2;
  private static final int NLMSG_DONE = 3;

  /** {@link #receive} result: the receive timeout passed without a message. */
  static final int TIMED_OUT = 0;

  /** {@link #receive} result: the kernel dropped messages because our buffer was full (ENOBUFS). */
  static final int OVERRUN = -1;

  /**
   * Larger than any connector message (about 100 bytes); the kernel never sends more in one
   * datagram.
   */
  private static final int RECEIVE_BUFFER = 8192;

  private final int fd;
  private final Memory buffer = new Memory(RECEIVE_BUFFER);
  private final int receiveBufferBytes;
  private volatile boolean closed;

  private ProcConnectorSocket(int fd, int receiveBufferBytes) {
    this.fd = fd;
    this.receiveBufferBytes = receiveBufferBytes;
  }

  /**
   * Opens, binds and subscribes.
   *
   * @param socketBufferBytes the kernel receive buffer asked for: bursts of short-lived processes
   *     overrun a small one (the kernel may grant less, or double it)
   * @param receiveTimeout how long {@link #receive} waits, so the reading thread notices a close
   */
  static ProcConnectorSocket open(int socketBufferBytes, Duration receiveTimeout)
      throws NetlinkUnavailableException {
    int fd;
    try {
      fd = LibC.socket(LibC.AF_NETLINK, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, NETLINK_CONNECTOR);
    } catch (LastErrorException | UnsatisfiedLinkError e) {
      throw new NetlinkUnavailableException(
          "cannot open a NETLINK_CONNECTOR socket: " + e.getMessage(), e);
    }
    try {
      setBuffer(fd, socketBufferBytes);
      setTimeout(fd, receiveTimeout);
      LibC.bind(fd, address(CN_IDX_PROC), 12);
      byte[] listen = control(PROC_CN_MCAST_LISTEN);
      LibC.send(fd, listen, listen.length, 0);
      return new ProcConnectorSocket(fd, intOption(fd, LibC.SO_RCVBUF));
    } catch (LastErrorException e) {
      LibC.close(fd);
      // EPERM here: binding to the group needs CAP_NET_ADMIN; the kernel may lack
      // CONFIG_PROC_EVENTS.
      throw new NetlinkUnavailableException(
          "cannot subscribe to the process connector: " + e.getMessage(), e);
    }
  }

  /** The kernel receive buffer actually granted, in bytes. */
  int receiveBufferBytes() {
    return receiveBufferBytes;
  }

  /**
   * Waits for one datagram and copies it into {@code into}.
   *
   * @return its length, {@link #TIMED_OUT}, or {@link #OVERRUN}
   * @throws LastErrorException on any other socket error (a closed socket among them)
   */
  int receive(byte[] into) {
    long n;
    try {
      n = LibC.recv(fd, buffer, Math.min(into.length, RECEIVE_BUFFER), 0);
    } catch (LastErrorException e) {
      if (e.getErrorCode() == LibC.EAGAIN || e.getErrorCode() == LibC.EINTR) {
        return TIMED_OUT;
      }
      if (e.getErrorCode() == LibC.ENOBUFS) {
        return OVERRUN;
      }
      throw e;
    }
    if (n <= 0) {
      return TIMED_OUT;
    }
    buffer.read(0, into, 0, (int) n);
    return (int) n;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      byte[] ignore = control(PROC_CN_MCAST_IGNORE);
      LibC.send(fd, ignore, ignore.length, 0);
    } catch (LastErrorException e) {
      // Closing anyway: the kernel drops the subscription with the socket.
    }
    LibC.close(fd);
  }

  /** {@code struct sockaddr_nl}: family, pad, pid 0 (the kernel assigns one), groups. */
  private static byte[] address(int groups) {
    ByteBuffer b = ByteBuffer.allocate(12).order(ByteOrder.nativeOrder());
    b.putShort((short) LibC.AF_NETLINK).putShort((short) 0).putInt(0).putInt(groups);
    return b.array();
  }

  /** nlmsghdr + cn_msg + the 4-byte {@code enum proc_cn_mcast_op}. */
  static byte[] control(int op) {
    int payload = 4;
    int length = ProcEventParser.NLMSG_HEADER + ProcEventParser.CN_MSG_HEADER + payload;
    ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.nativeOrder());
    b.putInt(length).putShort((short) NLMSG_DONE).putShort((short) 0).putInt(0).putInt(0);
    b.putInt(CN_IDX_PROC)
        .putInt(CN_VAL_PROC)
        .putInt(0)
        .putInt(0)
        .putShort((short) payload)
        .putShort((short) 0);
    b.putInt(op);
    return b.array();
  }

  private static void setBuffer(int fd, int bytes) {
    byte[] value = intBytes(bytes);
    try {
      LibC.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_RCVBUFFORCE, value, 4);
    } catch (LastErrorException e) {
      // Without CAP_NET_ADMIN: the plain option, capped by net.core.rmem_max.
      LibC.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_RCVBUF, value, 4);
    }
  }

  private static void setTimeout(int fd, Duration timeout) {
    ByteBuffer tv =
        ByteBuffer.allocate(16).order(ByteOrder.nativeOrder()); // struct timeval on LP64
    tv.putLong(timeout.toSeconds()).putLong(timeout.toNanosPart() / 1000L);
    LibC.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_RCVTIMEO, tv.array(), 16);
  }

  private static int intOption(int fd, int name) {
    byte[] value = new byte[4];
    int[] length = {4};
    LibC.getsockopt(fd, LibC.SOL_SOCKET, name, value, length);
    return ByteBuffer.wrap(value).order(ByteOrder.nativeOrder()).getInt();
  }

  private static byte[] intBytes(int v) {
    return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(v).array();
  }
}
