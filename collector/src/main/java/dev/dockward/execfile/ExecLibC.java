package dev.dockward.execfile;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The libc calls of the exec file watch beside the fanotify ones, bound with JNA's direct mapping.
 */
final class ExecLibC {
  static final int O_PATH = 0x200000;
  static final int O_NOFOLLOW = 0x20000;
  static final int O_CLOEXEC = 0x80000;
  static final int EFD_NONBLOCK = 0x800;
  static final int EFD_CLOEXEC = 0x80000;

  static {
    Native.register("c");
  }

  private ExecLibC() {}

  static native int open(String path, int flags) throws LastErrorException;

  static native int eventfd(int initval, int flags) throws LastErrorException;

  static native long write(int fd, Pointer buffer, long count) throws LastErrorException;

  static native long pread(int fd, Pointer buffer, long count, long offset)
      throws LastErrorException;
}
