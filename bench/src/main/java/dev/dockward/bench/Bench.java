package dev.dockward.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code scripts/bench NAME [ARGS]}: runs one benchmark and prints its figures. Record them in
 * docs/benchmarks.md with the command that produced them.
 */
public final class Bench {
  private Bench() {}

  public static void main(String[] args) throws Exception {
    String name = args.length > 0 ? args[0] : "";
    switch (name) {
      case "replay" -> {
        long records = args.length > 1 ? Long.parseLong(args[1].replace("_", "")) : 10_000_000L;
        Path dir = Files.createTempDirectory("dockward-bench-journal");
        try {
          ReplayBench.run(records, dir);
        } finally {
          ReplayBench.delete(dir);
        }
      }
      case "exec-latency" -> ExecBench.run("latency", args.length > 1 ? Integer.parseInt(args[1]) : 1000);
      case "exec-storm" -> ExecBench.run("storm", args.length > 1 ? Integer.parseInt(args[1]) : 20_000);
      case "proc-scan" -> ProcScanBench.run(args.length > 1 ? Integer.parseInt(args[1]) : 10_000);
      default -> {
        System.err.println("usage: scripts/bench replay [RECORDS] | exec-latency [EXECS] | exec-storm [EXECS] | proc-scan [PROCESSES]");
        System.exit(2);
      }
    }
  }
}
