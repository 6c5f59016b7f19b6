package dev.dockward.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * {@code scripts/bench NAME [ARGS]}: runs one benchmark and prints its figures. Record them in
 * docs/benchmarks.md with the command that produced them.
 */
public final class Bench {
  private Bench() {}

  /** A benchmark that works in a directory of its own. */
  private interface InDirectory {
    void run(Path dir) throws Exception;
  }

  /** Runs {@code bench} in a new temporary directory, deleted afterwards whatever happens. */
  private static void inTempDirectory(String prefix, InDirectory bench) throws Exception {
    Path dir = Files.createTempDirectory(prefix);
    try {
      bench.run(dir);
    } finally {
      ReplayBench.delete(dir);
    }
  }

  public static void main(String[] args) throws Exception {
    String name = args.length > 0 ? args[0] : "";
    switch (name) {
      case "replay" -> {
        long records = args.length > 1 ? Long.parseLong(args[1].replace("_", "")) : 10_000_000L;
        inTempDirectory("dockward-bench-journal", dir -> ReplayBench.run(records, dir));
      }
      case "cgroup" -> {
        int containers = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        Duration measure = Duration.ofSeconds(args.length > 2 ? Long.parseLong(args[2]) : 30);
        CgroupResourceSourceBench.run(containers, measure, Duration.ofSeconds(1));
      }
      case "capture-run" -> {
        // Called by scripts/bench capture once the bridge and namespaces exist:
        // capture-run BRIDGE PORT,PORT NAMESPACE TRAFGEN_CONFIG SECONDS RATE…
        List<Long> rates =
            Arrays.stream(args).skip(6).map(r -> Long.parseLong(r.replace("_", ""))).toList();
        CaptureBench.run(
            args[1],
            List.of(args[2].split(",")),
            args[3],
            Path.of(args[4]),
            Integer.parseInt(args[5]),
            rates);
      }
      case "flow-table" ->
          CaptureBench.flowTableMemory(
              args.length > 1 ? Integer.parseInt(args[1].replace("_", "")) : 100_000);
      case "exec-latency" ->
          ExecBench.run(
              "latency",
              args.length > 1 ? Integer.parseInt(args[1]) : 1000,
              args.length > 2 && args[2].equals("audit"));
      case "exec-storm" ->
          ExecBench.run(
              "storm",
              args.length > 1 ? Integer.parseInt(args[1]) : 20_000,
              args.length > 2 && args[2].equals("audit"));
      case "audit-storm" -> AuditBench.storm(args.length > 1 ? Integer.parseInt(args[1]) : 3000);
      case "audit-cost-run" ->
          AuditBench.cost(
              Integer.parseInt(args[1]),
              Path.of(args[2]),
              Integer.parseInt(args[3]),
              Integer.parseInt(args[4]));
      case "exec-file-cost-run" ->
          ExecFileBench.cost(
              Integer.parseInt(args[1]), Path.of(args[2]), Integer.parseInt(args[3]));
      case "open-cost-run" ->
          OpenWatchBench.cost(
              Integer.parseInt(args[1]), Path.of(args[2]), Integer.parseInt(args[3]));
      case "rules-hostile" ->
          HostileCmdlineBench.run(args.length > 1 ? Integer.parseInt(args[1]) : 200);
      case "rules" ->
          RulesBench.run(args.length > 1 ? Integer.parseInt(args[1].replace("_", "")) : 100_000);
      case "proc-scan" -> ProcScanBench.run(args.length > 1 ? Integer.parseInt(args[1]) : 10_000);
      case "journal-append" -> {
        long records = args.length > 1 ? Long.parseLong(args[1].replace("_", "")) : 5_000_000L;
        inTempDirectory("dockward-bench-append", dir -> ShippingBench.append(records, dir));
      }
      case "ship" -> {
        long records = args.length > 1 ? Long.parseLong(args[1].replace("_", "")) : 500_000L;
        inTempDirectory(
            "dockward-bench-ship",
            dir -> ShippingBench.ship(records, dir, ShippingBench.shipSettings()));
      }
      case "ship-start" -> {
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        long records = args.length > 2 ? Long.parseLong(args[2].replace("_", "")) : 50_000L;
        boolean gated = args.length <= 3 || !args[3].equals("ungated");
        inTempDirectory(
            "dockward-bench-ship-start",
            dir -> ShippingBench.shipStart(rounds, records, gated, dir));
      }
      case "lag" -> {
        int rate = args.length > 1 ? Integer.parseInt(args[1].replace("_", "")) : 10_000;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        inTempDirectory("dockward-bench-lag", dir -> ShippingBench.lag(rate, seconds, dir));
      }
      default -> {
        System.err.println(
            "usage: scripts/bench replay [RECORDS] | cgroup [CONTAINERS] [SECONDS] | capture [SECONDS] [PPS…]"
                + " | flow-table [FLOWS] | exec-latency [EXECS] [audit] | exec-storm [EXECS] [audit] | proc-scan [PROCESSES]"
                + " | audit-storm [EXECS] | audit-cost [ROUNDS] [SPAWNS] [OPENS] | open-cost [ROUNDS] [OPENS] | fanotify-marks"
                + " | exec-file-cost [ROUNDS] [SPAWNS]"
                + " | journal-append [RECORDS] | ship [RECORDS] | ship-start [ROUNDS] [RECORDS] [ungated]"
                + " | lag [RATE] [SECONDS] | rules [EVENTS] | rules-hostile [ROUNDS]");
        System.exit(2);
      }
    }
  }
}
