package dev.dockward.event;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The executable file an exec loaded, as the kernel opened it at exec time ({@code exec_file} of an
 * exec record): recorded by fanotify before the process could end, so a process gone before it was
 * read from /proc still has it. The path is the one the file has in the mount it was opened through
 * (inside the container for a container's file); device and inode name the file itself.
 *
 * @param path the program's path: the ELF file the process runs (what {@code /proc/<pid>/exe}
 *     names), the script's interpreter for a script
 * @param device the device of the file system it is on, {@code major:minor}
 * @param inode its inode number
 * @param ctime its status-change time: when it was last written, copied or chmod'ed
 * @param script the script that was exec'd, when the exec named a script ({@code #!}) and this is
 *     its interpreter
 */
public record ExecFile(
    String path, String device, long inode, Optional<Instant> ctime, Optional<String> script) {
  public ExecFile {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(device, "device");
    Objects.requireNonNull(ctime, "ctime");
    Objects.requireNonNull(script, "script");
  }

  /**
   * The {@code exec_file} object: {@code path}, {@code dev}, {@code inode}, {@code ctime} and
   * {@code script} when known.
   */
  Map<String, Object> document() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("path", path);
    m.put("dev", device);
    m.put("inode", inode);
    ctime.ifPresent(t -> m.put("ctime", Timestamps.format(t)));
    script.ifPresent(s -> m.put("script", s));
    return m;
  }
}
