package dev.dockward.execfile;

import dev.dockward.event.ExecFile;
import java.util.Optional;
import java.util.OptionalLong;

/** The files execs opened, recorded at exec time, for the exec events of their pids to take. */
public interface ExecFiles {
  /** Records nothing: every exec is read from /proc alone. */
  ExecFiles NONE =
      new ExecFiles() {
        @Override
        public Optional<ExecFile> take(int pid, OptionalLong dev, OptionalLong inode) {
          return Optional.empty();
        }

        @Override
        public void forgetBefore(int pid, long monotonicNanos) {}
      };

  /**
   * The file of the pid's oldest exec not taken yet, everything the kernel queued until now
   * included (an exec event is sent after its files were opened, so its own are there); when the
   * process was read running a file ({@code dev}, {@code inode}: its {@code unix:dev} and {@code
   * unix:ino}), the exec of that file.
   */
  Optional<ExecFile> take(int pid, OptionalLong dev, OptionalLong inode);

  /**
   * Forgets what the pid's execs opened before {@code monotonicNanos} (the kernel's timestamp of a
   * fork or exit of that pid): it was another process's.
   */
  void forgetBefore(int pid, long monotonicNanos);
}
