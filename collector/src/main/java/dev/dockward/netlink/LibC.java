package dev.dockward.netlink;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The few libc socket calls the netlink connector needs, bound with JNA's direct mapping (the
 * receive loop calls {@link #recv} for every message: direct mapping is several times cheaper per
 * call than an interface proxy). Every call reports failure as {@link LastErrorException} with errno.
 */
final class LibC {
  static final int AF_NETLINK = 16;
  static final int SOCK_DGRAM = 2;
  static final int SOCK_CLOEXEC = 0x80000;
  static final int SOL_SOCKET = 1;
  static final int SO_RCVBUF = 8;
  static final int SO_RCVTIMEO = 20;
  /** Like SO_RCVBUF, but for root ignores {@code net.core.rmem_max}. */
  static final int SO_RCVBUFFORCE = 33;
  static final int O_RDONLY = 0;
  static final int O_CLOEXEC = 0x80000;
  static final int CLONE_NEWNET = 0x40000000;
  static final int EINTR = 4;
  static final int EAGAIN = 11;
  static final int ENOBUFS = 105;

  static {
    Native.register("c");
  }

  private LibC() {}

  static native int socket(int domain, int type, int protocol) throws LastErrorException;

  static native int bind(int fd, byte[] address, int length) throws LastErrorException;

  static native long send(int fd, byte[] buffer, long length, int flags) throws LastErrorException;

  static native long recv(int fd, Pointer buffer, long length, int flags) throws LastErrorException;

  static native int setsockopt(int fd, int level, int name, byte[] value, int length) throws LastErrorException;

  static native int getsockopt(int fd, int level, int name, byte[] value, int[] length) throws LastErrorException;

  static native int close(int fd) throws LastErrorException;

  static native int open(String path, int flags) throws LastErrorException;

  /** Moves the calling thread (only it) into the namespace {@code fd} refers to. */
  static native int setns(int fd, int nstype) throws LastErrorException;
}
