package dev.dockward.hostwatch;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The libc calls of the fanotify watches, bound with JNA's direct mapping. Every call reports
 * failure as {@link LastErrorException} with errno. Shared by the host write watch and the
 * sensitive open watch ({@code dev.dockward.fileopen}).
 */
public final class FanotifyLibC {
  public static final int FAN_CLASS_NOTIF = 0x0;
  public static final int FAN_CLOEXEC = 0x1;
  public static final int FAN_NONBLOCK = 0x2;
  public static final int FAN_MARK_ADD = 0x1;

  /**
   * Marks the whole file system (superblock) the path is on: every mount of it, in any namespace.
   */
  public static final int FAN_MARK_FILESYSTEM = 0x100;

  public static final long FAN_CLOSE_WRITE = 0x8;

  /** An inode mark (the default kind of mark: no flag of its own). */
  public static final int FAN_MARK_INODE = 0x0;

  public static final int FAN_MARK_DONT_FOLLOW = 0x4;
  public static final long FAN_OPEN = 0x20;
  public static final int O_RDONLY = 0;
  public static final int O_LARGEFILE = 0x8000;
  public static final int O_CLOEXEC = 0x80000;
  public static final int AT_FDCWD = -100;
  public static final short POLLIN = 0x1;
  public static final int EINTR = 4;
  public static final int EAGAIN = 11;

  static {
    Native.register("c");
  }

  private FanotifyLibC() {}

  public static native int fanotify_init(int flags, int eventFileFlags) throws LastErrorException;

  public static native int fanotify_mark(int fd, int flags, long mask, int dirfd, String path)
      throws LastErrorException;

  public static native long read(int fd, Pointer buffer, long length) throws LastErrorException;

  /** {@code fds} is an array of {@code struct pollfd} (int fd, short events, short revents). */
  public static native int poll(Pointer fds, long count, int timeoutMillis)
      throws LastErrorException;

  public static native int close(int fd) throws LastErrorException;
}
