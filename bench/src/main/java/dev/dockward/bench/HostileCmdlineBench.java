package dev.dockward.bench;

import dev.dockward.event.ContainerInfo;
import dev.dockward.event.EventDocuments;
import dev.dockward.event.HostInfo;
import dev.dockward.event.NamespaceModes;
import dev.dockward.event.ProcessInfo;
import dev.dockward.event.ProcessObserved;
import dev.dockward.event.ResourceLimits;
import dev.dockward.proc.ProcText;
import dev.dockward.rules.RuleEngine;
import dev.dockward.rules.RuleFiles;
import dev.dockward.rules.RuleLoader;
import dev.dockward.rules.RuleMatch;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The bundled rules on an exec of {@code nc} whose command line is 64 KiB of hostile bytes
 * (printable, control, 0xFF, and a filler of short options that keeps a regex scanning), with and
 * without {@code -e /bin/sh} at its end: thread CPU per evaluation, median and worst of the rounds.
 * The documents are built as the pipeline builds them, the bytes decoded as the /proc reader
 * decodes them.
 */
final class HostileCmdlineBench {
  private static final int ARGV_BYTES = 64 * 1024;

  private HostileCmdlineBench() {}

  static void run(int rounds) {
    RuleEngine engine = new RuleEngine(RuleLoader.load(RuleFiles.bundled()).ruleSet());
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Map<String, byte[]> fillers = new LinkedHashMap<>();
    fillers.put("printable", filled("a"));
    fillers.put("control", filled("\u0001"));
    fillers.put("0xFF", filled("\u00ff"));
    fillers.put("' -a' options", filled(" -a"));
    for (Map.Entry<String, byte[]> filler : fillers.entrySet()) {
      for (String tail : List.of("", " -e /bin/sh")) {
        Map<String, Object> doc = document(filler.getValue(), tail);
        double[] micros = new double[rounds];
        List<RuleMatch> fired = List.of();
        for (int i = 0; i < rounds; i++) {
          fired = engine.evaluate(doc);
        }
        for (int i = 0; i < rounds; i++) {
          long cpu0 = threads.getCurrentThreadCpuTime();
          fired = engine.evaluate(doc);
          micros[i] = (threads.getCurrentThreadCpuTime() - cpu0) / 1e3;
        }
        Arrays.sort(micros);
        System.out.printf(
            "%-14s %-12s median %8.1f µs  worst %8.1f µs  fired %s%n",
            filler.getKey(),
            tail.isEmpty() ? "(no option)" : "+ -e /bin/sh",
            micros[rounds / 2],
            micros[rounds - 1],
            fired.stream().map(m -> m.rule().id()).toList());
      }
    }
    System.out.printf("%,d evaluations per case after a warm-up of as many, thread CPU%n", rounds);
  }

  /** 64 KiB of argv after {@code nc}: the unit repeated, 0xFF as raw bytes (not UTF-8). */
  private static byte[] filled(String unit) {
    byte[] argv = new byte[ARGV_BYTES];
    for (int i = 0; i < argv.length; i++) {
      char c = unit.charAt(i % unit.length());
      argv[i] = (byte) (c == ' ' ? 0 : c);
    }
    return argv;
  }

  private static Map<String, Object> document(byte[] filler, String tail) {
    byte[] nc = "nc\0".getBytes();
    byte[] argv = Arrays.copyOf(nc, nc.length + filler.length);
    System.arraycopy(filler, 0, argv, nc.length, filler.length);
    String cmdline = ProcText.cmdline(argv, argv.length) + tail;
    HostInfo host = new HostInfo("vm", "3f9a0c1d2e4b5a6978877665544332211");
    String id = "9f2c4e1b7a3d5c6e8f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6a";
    ContainerInfo container =
        new ContainerInfo(
            id,
            "hostile",
            "dockward/busybox:test",
            "sha256:5b0d",
            Map.of(),
            false,
            List.of(),
            List.of(),
            List.of(),
            new NamespaceModes("", "bridge", "private", "", "", "private"),
            List.of(),
            ResourceLimits.NONE,
            OptionalLong.of(4242),
            Map.of(),
            Optional.empty(),
            List.of());
    ProcessInfo nc0 =
        new ProcessInfo(
            4321,
            4242,
            1234567,
            "nc",
            "/bin/busybox",
            cmdline,
            false,
            OptionalInt.of(0),
            OptionalInt.of(0),
            OptionalLong.of(0xa80425fbL),
            Map.of("mnt", 4026532201L),
            "/docker/" + id);
    Instant t = Instant.parse("2026-11-23T05:41:02.118Z");
    Map<String, Object> doc =
        EventDocuments.of(
            new ProcessObserved(t, "netlink", nc0, Optional.of(container)),
            host,
            "3f9a0c1d2e4b-0000000000000035");
    return doc;
  }
}
