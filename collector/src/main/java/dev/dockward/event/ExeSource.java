package dev.dockward.event;

/** Where an exec record's {@code process.exe} came from ({@code process.exe_source}). */
public enum ExeSource {
  /** The {@code /proc/<pid>/exe} link, read after the exec. */
  PROC("proc"),
  /**
   * The file the exec opened, recorded at exec time ({@link ExecFile}): the process was gone before
   * its link was read.
   */
  EXEC_FILE("exec_file"),
  /** The Linux audit subsystem's record of the exec. */
  AUDIT("audit");

  private final String text;

  ExeSource(String text) {
    this.text = text;
  }

  /** The value in records. */
  public String text() {
    return text;
  }
}
