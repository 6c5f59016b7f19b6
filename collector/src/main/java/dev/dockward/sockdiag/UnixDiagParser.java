package dev.dockward.sockdiag;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Parses the datagrams of a {@code NETLINK_SOCK_DIAG} dump of unix sockets ({@code unix_diag_msg}
 * with {@code UNIX_DIAG_NAME} and {@code UNIX_DIAG_PEER} attributes). Pure and never throws: a
 * message too short for its headers, or an attribute that overruns its message, is counted and
 * skipped.
 *
 * <p>Layout (host byte order): {@code nlmsghdr} (16 bytes), {@code unix_diag_msg} (family, type,
 * state, pad: 1 byte each; inode: 4; cookie: 8), then {@code rtattr}s (length 2, type 2, payload,
 * aligned to 4).
 */
final class UnixDiagParser {
  static final int NLMSG_HEADER = 16;
  static final int NLMSG_ERROR = 2;
  static final int NLMSG_DONE = 3;
  static final int SOCK_DIAG_BY_FAMILY = 20;
  private static final int DIAG_MSG = 16;
  private static final int UNIX_DIAG_NAME = 0;
  private static final int UNIX_DIAG_PEER = 2;

  private final LongAdder malformed = new LongAdder();

  /**
   * Adds the sockets of {@code datagram[0, length)} to {@code out}.
   *
   * @return whether the dump is complete (NLMSG_DONE or an error ends it)
   */
  boolean parse(byte[] datagram, int length, List<UnixSocketEntry> out) {
    int end = Math.max(0, Math.min(length, datagram.length));
    ByteBuffer b = ByteBuffer.wrap(datagram, 0, end).order(ByteOrder.nativeOrder());
    int at = 0;
    while (end - at >= NLMSG_HEADER) {
      int messageLength = b.getInt(at);
      int type = Short.toUnsignedInt(b.getShort(at + 4));
      if (messageLength < NLMSG_HEADER || messageLength > end - at) {
        malformed.increment();
        return true; // framing lost: end the dump rather than read garbage
      }
      if (type == NLMSG_DONE || type == NLMSG_ERROR) {
        return true;
      }
      if (type == SOCK_DIAG_BY_FAMILY) {
        socket(b, at + NLMSG_HEADER, at + messageLength, out);
      }
      at += align(messageLength);
    }
    return false;
  }

  private void socket(ByteBuffer b, int at, int end, List<UnixSocketEntry> out) {
    if (end - at < DIAG_MSG) {
      malformed.increment();
      return;
    }
    int state = Byte.toUnsignedInt(b.get(at + 2));
    long inode = Integer.toUnsignedLong(b.getInt(at + 4));
    String path = "";
    long peer = 0;
    int a = at + DIAG_MSG;
    while (end - a >= 4) {
      int attrLength = Short.toUnsignedInt(b.getShort(a));
      int attrType = Short.toUnsignedInt(b.getShort(a + 2));
      if (attrLength < 4 || attrLength > end - a) {
        malformed.increment();
        break;
      }
      int payload = attrLength - 4;
      if (attrType == UNIX_DIAG_NAME && payload > 0) {
        path = name(b, a + 4, payload);
      } else if (attrType == UNIX_DIAG_PEER && payload >= 4) {
        peer = Integer.toUnsignedLong(b.getInt(a + 4));
      }
      a += align(attrLength);
    }
    out.add(new UnixSocketEntry(inode, state, path, peer));
  }

  /** A path up to its NUL; an abstract name (leading NUL) as {@code @name}. */
  private static String name(ByteBuffer b, int at, int length) {
    byte[] raw = new byte[length];
    b.get(at, raw);
    if (raw[0] == 0) {
      return "@" + new String(raw, 1, length - 1, StandardCharsets.UTF_8);
    }
    int n = 0;
    while (n < raw.length && raw[n] != 0) {
      n++;
    }
    return new String(raw, 0, n, StandardCharsets.UTF_8);
  }

  private static int align(int length) {
    return (length + 3) & ~3;
  }

  long malformed() {
    return malformed.sum();
  }
}
