package dev.dockward.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Debian's docker client for the benchmarks that run containers, and their cleanup by label. */
final class BenchDocker {
  private static final String DOCKER = "/usr/bin/docker";

  private BenchDocker() {}

  /** Runs {@code docker args…}; its output, or an exception with it when the command fails. */
  static String docker(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(DOCKER));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException(cmd + ": " + out);
    }
    return out.strip();
  }

  /** Removes every container with the benchmark run's label. */
  static void removeLabelled(String label) throws IOException, InterruptedException {
    String ids = docker("ps", "-aq", "--filter", "label=" + label);
    if (!ids.isBlank()) {
      List<String> args = new ArrayList<>(List.of("rm", "-f"));
      args.addAll(List.of(ids.split("\\s+")));
      docker(args.toArray(String[]::new));
    }
  }
}
