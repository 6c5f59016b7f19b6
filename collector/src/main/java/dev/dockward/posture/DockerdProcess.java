package dev.dockward.posture;

import java.util.List;

/** A running dockerd: its pid and its command line, one argument per element. */
record DockerdProcess(int pid, List<String> argv) {
  DockerdProcess {
    argv = List.copyOf(argv);
  }

  String cmdline() {
    return String.join(" ", argv);
  }
}
