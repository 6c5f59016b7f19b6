package dev.dockward.audit;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The libc calls the audit socket needs, bound with JNA's direct mapping (the receive loop calls
 * {@link #recv} for every record). Failures come as {@link LastErrorException} with errno.
 */
final class AuditLibC {
  static final int AF_NETLINK = 16;
  static final int SOCK_RAW = 3;
  static final int SOCK_CLOEXEC = 0x80000;
  static final int SOL_SOCKET = 1;
  static final int SO_RCVBUF = 8;
  static final int SO_RCVTIMEO = 20;
  static final int SO_RCVBUFFORCE = 33;
  static final int EPERM = 1;
  static final int EINTR = 4;
  static final int EAGAIN = 11;
  static final int EEXIST = 17;
  static final int ENOENT = 2;
  static final int ENOBUFS = 105;

  static {
    Native.register("c");
  }

  private AuditLibC() {}

  static native int socket(int domain, int type, int protocol) throws LastErrorException;

  static native int bind(int fd, byte[] address, int length) throws LastErrorException;

  static native long send(int fd, byte[] buffer, long length, int flags) throws LastErrorException;

  static native long recv(int fd, Pointer buffer, long length, int flags) throws LastErrorException;

  static native int setsockopt(int fd, int level, int name, byte[] value, int length)
      throws LastErrorException;

  static native int close(int fd) throws LastErrorException;

  static native int getpid();
}
