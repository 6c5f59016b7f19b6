package dev.dockward.hostwatch;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the fanotify watches do with the descriptors the kernel hands them with each event: read
 * the mount it was opened through, and close it. Shared by the write, control-file and open watches.
 */
public final class FanotifyFds {
  private FanotifyFds() {
  }

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
}
