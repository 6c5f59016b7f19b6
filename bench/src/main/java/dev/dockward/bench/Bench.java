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
      case "journal-append" -> {
        long records = args.length > 1 ? Long.parseLong(args[1].replace("_", "")) : 5_000_000L;
        Path dir = Files.createTempDirectory("dockward-bench-append");
        try {
          ShippingBench.append(records, dir);
        } finally {
          ReplayBench.delete(dir);
        }
      }
      case "ship" -> {
        long records = args.length > 1 ? Long.parseLong(args[1].replace("_", "")) : 500_000L;
        Path dir = Files.createTempDirectory("dockward-bench-ship");
        try {
          ShippingBench.ship(records, dir, ShippingBench.shipSettings());
        } finally {
          ReplayBench.delete(dir);
        }
      }
      case "lag" -> {
        int rate = args.length > 1 ? Integer.parseInt(args[1].replace("_", "")) : 10_000;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        Path dir = Files.createTempDirectory("dockward-bench-lag");
        try {
          ShippingBench.lag(rate, seconds, dir);
        } finally {
          ReplayBench.delete(dir);
        }
      }
      default -> {
        System.err.println("usage: scripts/bench replay [RECORDS] | journal-append [RECORDS] | ship [RECORDS] "
            + "| lag [RATE] [SECONDS]");
        System.exit(2);
      }
    }
  }
}
