package dev.dockward.netlink;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The few libc socket calls the netlink sockets need (the process connector here, sock_diag in
 * {@code dev.dockward.sockdiag}), bound with JNA's direct mapping (the receive loop calls {@link
 * #recv} for every message: direct mapping is several times cheaper per call than an interface
 * proxy). Every call reports failure as {@link LastErrorException} with errno.
 */
public final class LibC {
  public static final int AF_NETLINK = 16;
  public static final int SOCK_DGRAM = 2;
  public static final int SOCK_CLOEXEC = 0x80000;
  public static final int SOL_SOCKET = 1;
  public static final int SO_RCVBUF = 8;
  public static final int SO_RCVTIMEO = 20;

  /** Like SO_RCVBUF, but for root ignores {@code net.core.rmem_max}. */
  public static final int SO_RCVBUFFORCE = 33;

  public static final int O_RDONLY = 0;
  public static final int O_CLOEXEC = 0x80000;
  public static final int CLONE_NEWNET = 0x40000000;
  public static final int EINTR = 4;
  public static final int EAGAIN = 11;
  public static final int ENOBUFS = 105;

  static {
    Native.register("c");
  }

  private LibC() {}

  public static native int socket(int domain, int type, int protocol) throws LastErrorException;

  public static native int bind(int fd, byte[] address, int length) throws LastErrorException;

  public static native long send(int fd, byte[] buffer, long length, int flags)
      throws LastErrorException;

  public static native long recv(int fd, Pointer buffer, long length, int flags)
      throws LastErrorException;

  public static native int setsockopt(int fd, int level, int name, byte[] value, int length)
      throws LastErrorException;

  public static native int getsockopt(int fd, int level, int name, byte[] value, int[] length)
      throws LastErrorException;

  public static native int close(int fd) throws LastErrorException;

  public static native int open(String path, int flags) throws LastErrorException;

  /** Moves the calling thread (only it) into the namespace {@code fd} refers to. */
  public static native int setns(int fd, int nstype) throws LastErrorException;
}
