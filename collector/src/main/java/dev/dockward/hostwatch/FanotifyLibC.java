package dev.dockward.hostwatch;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The libc calls of the fanotify watch, bound with JNA's direct mapping. Every call reports
 * failure as {@link LastErrorException} with errno.
 */
final class FanotifyLibC {
  static final int FAN_CLASS_NOTIF = 0x0;
  static final int FAN_CLOEXEC = 0x1;
  static final int FAN_NONBLOCK = 0x2;
  static final int FAN_MARK_ADD = 0x1;
  /** Marks the whole file system (superblock) the path is on: every mount of it, in any namespace. */
  static final int FAN_MARK_FILESYSTEM = 0x100;
  static final long FAN_CLOSE_WRITE = 0x8;
  static final int O_RDONLY = 0;
  static final int O_LARGEFILE = 0x8000;
  static final int O_CLOEXEC = 0x80000;
  static final int AT_FDCWD = -100;
  static final short POLLIN = 0x1;
  static final int EINTR = 4;
  static final int EAGAIN = 11;

  static {
    Native.register("c");
  }

  private FanotifyLibC() {}

  static native int fanotify_init(int flags, int eventFileFlags) throws LastErrorException;

  static native int fanotify_mark(int fd, int flags, long mask, int dirfd, String path) throws LastErrorException;

  static native long read(int fd, Pointer buffer, long length) throws LastErrorException;

  /** {@code fds} is an array of {@code struct pollfd} (int fd, short events, short revents). */
  static native int poll(Pointer fds, long count, int timeoutMillis) throws LastErrorException;

  static native int close(int fd) throws LastErrorException;
}
