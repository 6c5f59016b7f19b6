package dev.dockward.sockdiag;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import dev.dockward.netlink.LibC;
import dev.dockward.netlink.NetlinkUnavailableException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Lists the unix domain sockets of a network namespace with their bound paths and peers, through
 * {@code NETLINK_SOCK_DIAG} ({@code CONFIG_UNIX_DIAG}). An accepted connection carries its
 * listener's path and lives in the <em>client's</em> network namespace: a container's connection to
 * a bind-mounted Docker socket is listed only by a diag socket made in the container's network
 * namespace ({@link #openIn}). One thread at a time.
 */
public final class UnixSocketDiag implements AutoCloseable {
  private static final int NETLINK_SOCK_DIAG = 4;
  private static final int AF_UNIX = 1;
  private static final int NLM_F_REQUEST = 0x1;
  private static final int NLM_F_DUMP = 0x300;
  private static final int UDIAG_SHOW_NAME = 0x1;
  private static final int UDIAG_SHOW_PEER = 0x4;

  /**
   * {@code udiag_states} bits: {@code 1 << state}; every state, or only connected ones
   * (TCP_ESTABLISHED = 1).
   */
  static final int EVERY_STATE = -1;

  static final int CONNECTED_ONLY = 1 << UnixSocketEntry.CONNECTED;
  private static final int RECEIVE_BUFFER = 32 * 1024;

  /**
   * A dump of a busy host is some hundred datagrams; more means the kernel keeps talking nonsense.
   */
  private static final int MAX_DATAGRAMS = 100_000;

  private final int fd;
  private final Memory buffer = new Memory(RECEIVE_BUFFER);

  /**
   * The datagram copied out of {@link #buffer}, reused: the watch dumps every namespace several
   * times a second.
   */
  private final byte[] datagram = new byte[RECEIVE_BUFFER];

  private final UnixDiagParser parser = new UnixDiagParser();
  private int sequence;

  private UnixSocketDiag(int fd) {
    this.fd = fd;
  }

  /** Opens the diag socket. */
  public static UnixSocketDiag open() throws NetlinkUnavailableException {
    int fd;
    try {
      fd = LibC.socket(LibC.AF_NETLINK, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    } catch (LastErrorException | UnsatisfiedLinkError e) {
      throw new NetlinkUnavailableException(
          "cannot open a NETLINK_SOCK_DIAG socket: " + e.getMessage(), e);
    }
    try {
      ByteBuffer tv = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
      tv.putLong(Duration.ofSeconds(2).toSeconds()).putLong(0);
      LibC.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_RCVTIMEO, tv.array(), 16);
    } catch (LastErrorException e) {
      LibC.close(fd);
      throw new NetlinkUnavailableException(
          "cannot set up the NETLINK_SOCK_DIAG socket: " + e.getMessage(), e);
    }
    return new UnixSocketDiag(fd);
  }

  /**
   * A diag socket in the network namespace {@code netnsFile} ({@code /proc/<pid>/ns/net}) refers
   * to. The calling thread enters that namespace to make the socket and goes back at once (a socket
   * keeps the namespace it was made in); needs CAP_SYS_ADMIN.
   *
   * @throws IllegalStateException when the thread could not go back to its own namespace: it must
   *     not be used for anything else then
   */
  public static UnixSocketDiag openIn(String netnsFile) throws NetlinkUnavailableException {
    int own;
    int target;
    try {
      own = LibC.open("/proc/thread-self/ns/net", LibC.O_RDONLY | LibC.O_CLOEXEC);
    } catch (LastErrorException e) {
      throw new NetlinkUnavailableException(
          "cannot open the thread's own network namespace: " + e.getMessage(), e);
    }
    try {
      target = LibC.open(netnsFile, LibC.O_RDONLY | LibC.O_CLOEXEC);
    } catch (LastErrorException e) {
      LibC.close(own);
      throw new NetlinkUnavailableException("cannot open " + netnsFile + ": " + e.getMessage(), e);
    }
    try {
      LibC.setns(target, LibC.CLONE_NEWNET);
    } catch (LastErrorException e) {
      LibC.close(own);
      LibC.close(target);
      throw new NetlinkUnavailableException("cannot enter " + netnsFile + ": " + e.getMessage(), e);
    }
    try {
      return open();
    } finally {
      try {
        LibC.setns(own, LibC.CLONE_NEWNET);
      } catch (LastErrorException e) {
        throw new IllegalStateException("could not return to the agent's network namespace", e);
      } finally {
        LibC.close(own);
        LibC.close(target);
      }
    }
  }

  /**
   * Every unix socket now, connected or not.
   *
   * @throws LastErrorException when the kernel refuses the dump (e.g. no {@code CONFIG_UNIX_DIAG})
   *     or times out
   */
  public List<UnixSocketEntry> dump() {
    return dump(EVERY_STATE);
  }

  /**
   * The connected unix sockets now: the kernel leaves out listening and unconnected ones, so a poll
   * for connections reads and parses only those.
   *
   * @throws LastErrorException as {@link #dump()}
   */
  public List<UnixSocketEntry> dumpConnected() {
    return dump(CONNECTED_ONLY);
  }

  private List<UnixSocketEntry> dump(int states) {
    byte[] request = request(++sequence, states);
    LibC.send(fd, request, request.length, 0);
    List<UnixSocketEntry> out = new ArrayList<>();
    for (int i = 0; i < MAX_DATAGRAMS; i++) {
      long n = LibC.recv(fd, buffer, RECEIVE_BUFFER, 0);
      if (n <= 0) {
        break;
      }
      buffer.read(0, datagram, 0, (int) n);
      if (parser.parse(datagram, (int) n, out)) {
        break;
      }
    }
    return out;
  }

  /** Messages the parser skipped as malformed. */
  public long malformed() {
    return parser.malformed();
  }

  /** nlmsghdr + {@code unix_diag_req}: every state, names and peers. */
  static byte[] request(int sequence) {
    return request(sequence, EVERY_STATE);
  }

  /**
   * nlmsghdr + {@code unix_diag_req}: the sockets in {@code states} (a bit per state), names and
   * peers.
   */
  static byte[] request(int sequence, int states) {
    int length = UnixDiagParser.NLMSG_HEADER + 24;
    ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.nativeOrder());
    b.putInt(length)
        .putShort((short) UnixDiagParser.SOCK_DIAG_BY_FAMILY)
        .putShort((short) (NLM_F_REQUEST | NLM_F_DUMP))
        .putInt(sequence)
        .putInt(0);
    b.put((byte) AF_UNIX).put((byte) 0).putShort((short) 0); // family, protocol, pad
    b.putInt(states);
    b.putInt(0); // any inode
    b.putInt(UDIAG_SHOW_NAME | UDIAG_SHOW_PEER);
    b.putInt(-1).putInt(-1); // no cookie
    return b.array();
  }

  @Override
  public void close() {
    LibC.close(fd);
  }
}
