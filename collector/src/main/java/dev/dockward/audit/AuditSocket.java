package dev.dockward.audit;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@code NETLINK_AUDIT} socket: requests to the kernel (status, settings, rules) answered on the
 * same socket, and records, received either as the audit daemon (unicast, after AUDIT_SET pid from
 * this socket) or from the read-only multicast group {@code AUDIT_NLGRP_READLOG}. Requests are
 * serialised; one thread receives records.
 */
final class AuditSocket implements AutoCloseable {
  static final int NETLINK_AUDIT = 9;

  /** {@code AUDIT_NLGRP_READLOG} as a bind mask: group 1. Needs CAP_AUDIT_READ. */
  static final int GROUP_READLOG = 1;

  static final int NLMSG_HEADER = 16;
  static final int NLMSG_ERROR = 2;
  static final int NLMSG_DONE = 3;
  static final int AUDIT_GET = 1000;
  static final int AUDIT_SET = 1001;
  static final int AUDIT_ADD_RULE = 1011;
  static final int AUDIT_DEL_RULE = 1012;
  static final int AUDIT_LIST_RULES = 1013;

  /** Types from here on are records of events (replies to requests are below). */
  static final int FIRST_RECORD_TYPE = 1100;

  private static final int NLM_F_REQUEST = 1;
  private static final int NLM_F_ACK = 4;

  /** {@link #receive} result: the timeout passed without a message. */
  static final int TIMED_OUT = 0;

  /** {@link #receive} result: the kernel dropped messages because our buffer was full (ENOBUFS). */
  static final int OVERRUN = -1;

  /** Larger than any audit record (the kernel caps one at about 8,970 bytes). */
  static final int RECEIVE_BUFFER = 65536;

  private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(2);

  /** One netlink message within a datagram. */
  record Message(int type, int flags, int seq, int offset, int length) {}

  /** A failed request: the kernel's errno (positive). */
  static final class RequestFailed extends Exception {
    private static final long serialVersionUID = 1L;
    final int errno;

    RequestFailed(String what, int errno) {
      super(what + " failed: errno " + errno);
      this.errno = errno;
    }
  }

  private final int fd;
  private final Memory buffer = new Memory(RECEIVE_BUFFER);
  private final AtomicInteger seq = new AtomicInteger(1);
  private volatile boolean closed;

  private AuditSocket(int fd) {
    this.fd = fd;
  }

  /**
   * Opens and binds.
   *
   * @param groups {@link #GROUP_READLOG} to read through the multicast group, 0 for requests (and
   *     records, once this socket's process is the audit pid)
   * @param bufferBytes the kernel receive buffer asked for (0: the default)
   */
  static AuditSocket open(int groups, int bufferBytes, Duration receiveTimeout)
      throws AuditUnavailableException {
    int fd;
    try {
      fd =
          AuditLibC.socket(
              AuditLibC.AF_NETLINK, AuditLibC.SOCK_RAW | AuditLibC.SOCK_CLOEXEC, NETLINK_AUDIT);
    } catch (LastErrorException | UnsatisfiedLinkError e) {
      throw new AuditUnavailableException(
          "cannot open a NETLINK_AUDIT socket: " + e.getMessage(), e);
    }
    try {
      if (bufferBytes > 0) {
        setBuffer(fd, bufferBytes);
      }
      ByteBuffer tv =
          ByteBuffer.allocate(16).order(ByteOrder.nativeOrder()); // struct timeval on LP64
      tv.putLong(receiveTimeout.toSeconds()).putLong(receiveTimeout.toNanosPart() / 1000L);
      AuditLibC.setsockopt(fd, AuditLibC.SOL_SOCKET, AuditLibC.SO_RCVTIMEO, tv.array(), 16);
      ByteBuffer address = ByteBuffer.allocate(12).order(ByteOrder.nativeOrder());
      address.putShort((short) AuditLibC.AF_NETLINK).putShort((short) 0).putInt(0).putInt(groups);
      AuditLibC.bind(fd, address.array(), 12);
      return new AuditSocket(fd);
    } catch (LastErrorException e) {
      AuditLibC.close(fd);
      String why =
          groups != 0 && e.getErrorCode() == AuditLibC.EPERM
              ? "joining the audit multicast group needs CAP_AUDIT_READ"
              : e.getMessage();
      throw new AuditUnavailableException("cannot bind a NETLINK_AUDIT socket: " + why, e);
    }
  }

  /** AUDIT_GET. */
  synchronized AuditStatus status() throws RequestFailed {
    int s = send(AUDIT_GET, new byte[0], 0);
    return await(
        s,
        "AUDIT_GET (no reply)",
        (m, in) -> {
          if (m.type() == NLMSG_ERROR) {
            throw new RequestFailed("AUDIT_GET", errno(in, m));
          }
          if (m.type() == AUDIT_GET) {
            return Optional.of(
                AuditStatus.parse(in, m.offset(), m.length())
                    .orElseThrow(() -> new RequestFailed("AUDIT_GET (short reply)", 0)));
          }
          return Optional.empty();
        });
  }

  /** A request the kernel acknowledges; throws with its errno when refused. */
  synchronized void acknowledged(String what, int type, byte[] payload) throws RequestFailed {
    int s = send(type, payload, NLM_F_ACK);
    await(
        s,
        what + " (no reply)",
        (m, in) -> {
          if (m.type() != NLMSG_ERROR) {
            return Optional.empty();
          }
          int errno = errno(in, m);
          if (errno != 0) {
            throw new RequestFailed(what, errno);
          }
          return Optional.of(Boolean.TRUE);
        });
  }

  /** AUDIT_LIST_RULES: every rule's {@code struct audit_rule_data}, in list order. */
  synchronized List<byte[]> rules() throws RequestFailed {
    int s = send(AUDIT_LIST_RULES, new byte[0], 0);
    List<byte[]> out = new ArrayList<>();
    return await(
        s,
        "AUDIT_LIST_RULES (no end)",
        (m, in) -> {
          if (m.type() == NLMSG_DONE) {
            return Optional.of(out);
          }
          if (m.type() == NLMSG_ERROR) {
            throw new RequestFailed("AUDIT_LIST_RULES", errno(in, m));
          }
          if (m.type() == AUDIT_LIST_RULES) {
            byte[] rule = new byte[m.length()];
            System.arraycopy(in, m.offset(), rule, 0, m.length());
            out.add(rule);
          }
          return Optional.empty();
        });
  }

  /** What a request makes of each reply message: its result, or empty to wait for more. */
  @FunctionalInterface
  private interface Reply<T> {
    Optional<T> on(Message message, byte[] datagram) throws RequestFailed;
  }

  /**
   * Reads the replies to the request with sequence number {@code seq} until {@code reply} gives a
   * result; throws {@code timedOut} (EAGAIN) when none came within the reply timeout.
   */
  private <T> T await(int seq, String timedOut, Reply<T> reply) throws RequestFailed {
    byte[] in = new byte[RECEIVE_BUFFER];
    long deadline = System.nanoTime() + REPLY_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      int n = receive(in);
      for (Message m : messages(in, n)) {
        if (m.seq() == seq) {
          Optional<T> done = reply.on(m, in);
          if (done.isPresent()) {
            return done.get();
          }
        }
      }
    }
    throw new RequestFailed(timedOut, AuditLibC.EAGAIN);
  }

  /**
   * Waits for one datagram (at most the receive timeout) and copies it into {@code into}.
   *
   * @return its length, {@link #TIMED_OUT} or {@link #OVERRUN}
   * @throws LastErrorException on any other socket error (a closed socket among them)
   */
  int receive(byte[] into) {
    long n;
    try {
      n = AuditLibC.recv(fd, buffer, Math.min(into.length, RECEIVE_BUFFER), 0);
    } catch (LastErrorException e) {
      if (e.getErrorCode() == AuditLibC.EAGAIN || e.getErrorCode() == AuditLibC.EINTR) {
        return TIMED_OUT;
      }
      if (e.getErrorCode() == AuditLibC.ENOBUFS) {
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

  /** The netlink messages of a datagram of {@code n} bytes (none for a timeout or an overrun). */
  static List<Message> messages(byte[] b, int n) {
    List<Message> out = new ArrayList<>(1);
    ByteBuffer in = ByteBuffer.wrap(b, 0, Math.max(0, n)).order(ByteOrder.nativeOrder());
    int at = 0;
    while (n - at >= NLMSG_HEADER) {
      int len = in.getInt(at);
      int type = Short.toUnsignedInt(in.getShort(at + 4));
      int flags = Short.toUnsignedInt(in.getShort(at + 6));
      int s = in.getInt(at + 8);
      int rest = n - at - NLMSG_HEADER;
      if (type >= FIRST_RECORD_TYPE && rest >= len && rest - len < 4) {
        // A record sent to the audit pid: the kernel writes its length without the header (kept
        // so for auditd since long ago; the multicast copy has it right). One record a datagram.
        out.add(new Message(type, flags, s, at + NLMSG_HEADER, len));
        break;
      }
      out.add(
          new Message(
              type, flags, s, at + NLMSG_HEADER, Math.min(Math.max(len - NLMSG_HEADER, 0), rest)));
      if (len < NLMSG_HEADER) {
        break;
      }
      at += (len + 3) & ~3;
    }
    return out;
  }

  private int send(int type, byte[] payload, int extraFlags) throws RequestFailed {
    int s = seq.getAndIncrement();
    int length = NLMSG_HEADER + payload.length;
    ByteBuffer out = ByteBuffer.allocate((length + 3) & ~3).order(ByteOrder.nativeOrder());
    out.putInt(length)
        .putShort((short) type)
        .putShort((short) (NLM_F_REQUEST | extraFlags))
        .putInt(s)
        .putInt(0);
    out.put(payload);
    try {
      AuditLibC.send(fd, out.array(), length, 0);
    } catch (LastErrorException e) {
      throw new RequestFailed("sending message " + type, e.getErrorCode());
    }
    return s;
  }

  /** The errno of an NLMSG_ERROR (the kernel sends it negated; 0 is an acknowledgement). */
  private static int errno(byte[] b, Message m) {
    if (m.length() < 4) {
      return 0;
    }
    return -ByteBuffer.wrap(b, m.offset(), 4).order(ByteOrder.nativeOrder()).getInt();
  }

  private static void setBuffer(int fd, int bytes) {
    byte[] value = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(bytes).array();
    try {
      AuditLibC.setsockopt(fd, AuditLibC.SOL_SOCKET, AuditLibC.SO_RCVBUFFORCE, value, 4);
    } catch (LastErrorException e) {
      AuditLibC.setsockopt(fd, AuditLibC.SOL_SOCKET, AuditLibC.SO_RCVBUF, value, 4);
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    AuditLibC.close(fd);
  }
}
