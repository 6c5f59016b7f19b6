package dev.dockward.hostwatch;

import com.sun.jna.LastErrorException;
import dev.dockward.source.SupervisedThread;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What the fanotify watches do with the descriptors the kernel hands them with each event: read the
 * mount it was opened through, and close it; and how a watch stops. Shared by the write,
 * control-file, open and exec file watches.
 */
public final class FanotifyFds {
  private FanotifyFds() {}

  /** The mount id of an open file ({@code mnt_id} in its fdinfo). */
  public static int mountId(int fd) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd))) {
      if (line.startsWith("mnt_id:")) {
        return Integer.parseInt(line.substring(7).trim());
      }
    }
    throw new IOException("no mnt_id in the fdinfo of " + fd);
  }

  /** Closes an event's descriptor (none when negative); false when the kernel refused. */
  public static boolean close(int fd) {
    if (fd < 0) {
      return true;
    }
    try {
      FanotifyLibC.close(fd);
      return true;
    } catch (LastErrorException e) {
      return false;
    }
  }

  /**
   * Stops a watch: its thread (none when it never started) within {@code join}, then its fanotify
   * group, which drops the group's marks; a refused close is ignored, the watch is going anyway.
   */
  public static void stopWatch(SupervisedThread thread, int groupFd, Duration join) {
    if (thread != null) {
      thread.stop(join);
    }
    try {
      FanotifyLibC.close(groupFd);
    } catch (LastErrorException e) {
      // closing anyway
    }
  }
}
