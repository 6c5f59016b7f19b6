package dev.dockward.net;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The libc calls an {@code AF_PACKET} ring needs, bound with JNA's direct mapping (the netlink
 * package's binding is private to it and lacks mmap and poll). Failures raise {@link
 * LastErrorException} with errno.
 */
final class PacketLibC {
  static final int AF_PACKET = 17;
  static final int SOCK_RAW = 3;
  static final int SOCK_CLOEXEC = 0x80000;
  static final int SOL_SOCKET = 1;
  static final int SO_ATTACH_FILTER = 26;
  static final int SOL_PACKET = 263;
  static final int PACKET_RX_RING = 5;
  static final int PACKET_STATISTICS = 6;
  static final int PACKET_VERSION = 10;
  static final int PACKET_IGNORE_OUTGOING = 23;
  static final int TPACKET_V3 = 2;
  static final int ETH_P_ALL = 0x0003;
  static final int PROT_READ = 1;
  static final int PROT_WRITE = 2;
  static final int MAP_SHARED = 1;
  static final short POLLIN = 1;
  static final short POLLERR = 8;
  static final int EINTR = 4;
  static final int EPERM = 1;
  static final int EACCES = 13;

  static {
    Native.register("c");
  }

  private PacketLibC() {}

  static native int socket(int domain, int type, int protocol) throws LastErrorException;

  static native int bind(int fd, byte[] address, int length) throws LastErrorException;

  static native int setsockopt(int fd, int level, int name, Pointer value, int length)
      throws LastErrorException;

  static native int getsockopt(int fd, int level, int name, Pointer value, int[] length)
      throws LastErrorException;

  static native Pointer mmap(Pointer address, long length, int prot, int flags, int fd, long offset)
      throws LastErrorException;

  static native int munmap(Pointer address, long length) throws LastErrorException;

  static native int poll(Pointer fds, long count, int timeoutMillis) throws LastErrorException;

  static native int close(int fd) throws LastErrorException;
}
