package dev.dockward.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dockward.agent.config.AgentConfig;
import dev.dockward.agent.journal.ChronicleJournal;
import dev.dockward.agent.journal.JournalWriter;
import dev.dockward.agent.journal.RecordIds;
import dev.dockward.agent.journal.RecordJsonEncoder;
import dev.dockward.agent.ship.FileCheckpoint;
import dev.dockward.agent.ship.ForwardingSink;
import dev.dockward.agent.ship.KafkaSink;
import dev.dockward.agent.ship.Shipper;
import dev.dockward.agent.ship.ShipperSettings;
import dev.dockward.agent.ship.Sink;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;

/**
 * The Kafka issue's benchmarks: journal append rate (hash chain included), ship rate to a loopback
 * broker with {@code acks=all} under several producer settings, and the lag from append to
 * acknowledgement under a steady rate.
 */
final class ShippingBench {
  private ShippingBench() {}

  /** A ~300-byte alert like the agent's, distinct per number. */
  static String record(long n, long appendNanos) {
    return String.format(
        "{\"schema\":1,\"kind\":\"alert\",\"id\":\"0123456789ab-%016x\",\"time\":\"2026-11-23T05:00:00.000Z\","
            + "\"host\":{\"name\":\"bench-host\",\"id\":\"4f1c9e\"},\"rule\":\"bench_rule\",\"severity\":\"high\","
            + "\"tags\":[\"mitre.T1611\"],\"summary\":\"process sh (pid %d) of container web runs in the host mount "
            + "namespace\",\"container\":{\"id\":\"c%02d\",\"name\":\"web\",\"image\":\"nginx:1.25\"},\"t\":%d}",
        n, n, n % 7, appendNanos);
  }

  private static final Map<String, Object> HOST = Map.of("name", "bench-host", "id", "4f1c9e");
  private static final List<String> TAGS = List.of("mitre.T1611");
  private static final List<Map<String, Object>> CONTAINERS =
      IntStream.range(0, 7)
          .mapToObj(
              i ->
                  Map.<String, Object>of(
                      "id", String.format("c%02d", i), "name", "web", "image", "nginx:1.25"))
          .toList();

  /**
   * The same alert as {@link #record} as the map the pipeline journals (a new map per record, as
   * there).
   */
  static Map<String, Object> alert(String id, long n) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("schema", 1);
    m.put("kind", "alert");
    m.put("id", id);
    m.put("time", "2026-11-23T05:00:00.000Z");
    m.put("host", HOST);
    m.put("rule", "bench_rule");
    m.put("severity", "high");
    m.put("tags", TAGS);
    m.put(
        "summary", "process sh (pid " + n + ") of container web runs in the host mount namespace");
    m.put("container", CONTAINERS.get((int) (n % 7)));
    m.put("t", 0L);
    return m;
  }

  /**
   * A container exec event document as EventDocuments makes it (the container's whole inventory
   * included).
   */
  static Map<String, Object> execEvent(String id) {
    Instant t = Instant.parse("2026-11-23T05:00:00.000Z");
    dev.dockward.event.ContainerInfo c =
        new dev.dockward.event.ContainerInfo(
            "9f2c0c1d2e4b5a6978877665544332211009f2c0c1d2e4b5a697887766554433",
            "web",
            "nginx:1.25",
            "sha256:4f1c9e0a7d2b",
            Map.of("com.example.team", "payments", "com.example.tier", "frontend"),
            false,
            List.of("NET_ADMIN"),
            List.of("NET_RAW"),
            List.of(
                new dev.dockward.event.MountInfo(
                    "bind", "/srv/web", "/usr/share/nginx/html", false)),
            new dev.dockward.event.NamespaceModes(
                "private", "private", "private", "", "", "private"),
            List.of("no-new-privileges"),
            new dev.dockward.event.ResourceLimits(
                OptionalLong.of(536870912),
                OptionalLong.empty(),
                OptionalLong.empty(),
                OptionalLong.empty(),
                OptionalLong.of(512)),
            OptionalLong.of(4200),
            Map.of(
                "bridge",
                new dev.dockward.event.NetworkEndpoint(
                    "n1", "172.17.0.2", "02:42:ac:11:00:02", "172.17.0.1")),
            Optional.of(t),
            List.of(new dev.dockward.event.PortBinding("80/tcp", "0.0.0.0", "8080")));
    return dev.dockward.event.EventDocuments.of(
        new dev.dockward.event.DockerExecStarted(
            t,
            c,
            new dev.dockward.event.ExecInfo(
                "5b3f1e", "sh -c 'cat /etc/passwd'", "root", false, true)),
        new dev.dockward.event.HostInfo("bench-host", "4f1c9e"),
        id);
  }

  /**
   * Encoding alone, no journal: Jackson's {@code writeValue} through one reused generator (as the
   * journal writer did) against {@link RecordJsonEncoder}, on the same record map again and again.
   */
  static void encodeRates(long n) throws IOException {
    ObjectMapper json = new ObjectMapper();
    com.fasterxml.jackson.core.JsonFactory factory =
        json.getFactory()
            .rebuild()
            .disable(
                com.fasterxml.jackson.core.json.JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
            .build();
    ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
    com.fasterxml.jackson.core.JsonGenerator g = factory.createGenerator(out);
    g.setRootValueSeparator(null);
    RecordJsonEncoder encoder = new RecordJsonEncoder();
    Map<String, Map<String, Object>> records = new LinkedHashMap<>();
    records.put("alert record", alert("0123456789ab-0000000000000001", 1));
    records.put("container exec event", execEvent("0123456789ab-0000000000000002"));
    for (Map.Entry<String, Map<String, Object>> e : records.entrySet()) {
      Map<String, Object> r = e.getValue();
      long sum = 0;
      double[] rates = new double[2];
      for (int pass = 0; pass < 2; pass++) { // the first pass warms both up
        long t0 = System.nanoTime();
        for (long i = 0; i < n; i++) {
          out.reset();
          json.writeValue(g, r);
          sum += out.size();
        }
        long t1 = System.nanoTime();
        for (long i = 0; i < n; i++) {
          if (!encoder.encode(r)) {
            throw new IllegalStateException("the encoder refused a " + encoder.refusedType());
          }
          sum += encoder.size();
        }
        long t2 = System.nanoTime();
        rates[0] = n / ((t1 - t0) / 1e9);
        rates[1] = n / ((t2 - t1) / 1e9);
      }
      System.out.printf(
          "encode only, %s (%d bytes): Jackson writeValue %,.0f records/s, RecordJsonEncoder %,.0f "
              + "records/s (%.1fx)  [checksum %d]%n",
          e.getKey(), encoder.size(), rates[0], rates[1], rates[1] / rates[0], sum);
    }
  }

  /** {@code journal-append N}: three timed rounds of N appends of pre-formatted records. */
  static void append(long n, Path dir) throws Exception {
    encodeRates(n);
    String[] texts = new String[1024];
    for (int i = 0; i < texts.length; i++) {
      texts[i] = record(i, 0);
    }
    System.out.printf("record size %d bytes%n", texts[0].length());
    for (int round = 1; round <= 3; round++) {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] prev = new byte[32];
      long s0 = System.nanoTime();
      for (long i = 0; i < n; i++) {
        sha.update(prev);
        sha.update(texts[(int) (i & 1023)].getBytes(StandardCharsets.UTF_8));
        prev = sha.digest();
      }
      System.out.printf(
          "round %d: hash chain alone (SHA-256 of previous hash + UTF-8 text): %,.0f records/s%n",
          round, n / ((System.nanoTime() - s0) / 1e9));

      Path raw = dir.resolve("raw-" + round);
      try (ChronicleQueue q =
              ChronicleQueue.singleBuilder(raw).rollCycle(RollCycles.FAST_HOURLY).build();
          ExcerptAppender a = q.createAppender()) {
        for (int i = 0; i < 100_000; i++) {
          a.writeText(texts[i & 1023]); // warm-up
        }
        long t0 = System.nanoTime();
        for (long i = 0; i < n; i++) {
          a.writeText(texts[(int) (i & 1023)]);
        }
        System.out.printf(
            "round %d: plain Chronicle writeText, no chain, no sync: %,.0f records/s%n",
            round, n / ((System.nanoTime() - t0) / 1e9));
      }
      ReplayBench.delete(raw);

      Path unsynced = dir.resolve("unsynced-" + round);
      try (ChronicleJournal j =
          ChronicleJournal.openForWriting(
              unsynced,
              "hourly",
              net.openhft.chronicle.core.time.SystemTimeProvider.INSTANCE,
              Duration.ofHours(1))) {
        for (int i = 0; i < 100_000; i++) {
          j.append(texts[i & 1023]); // warm-up
        }
        long t0 = System.nanoTime();
        for (long i = 0; i < n; i++) {
          j.append(texts[(int) (i & 1023)]);
        }
        System.out.printf(
            "round %d: ChronicleJournal.append (chained, no sync within the run): %,.0f records/s%n",
            round, n / ((System.nanoTime() - t0) / 1e9));
      }
      ReplayBench.delete(unsynced);

      Path bytesDir = dir.resolve("bytes-" + round);
      byte[][] utf8 = new byte[texts.length][];
      for (int i = 0; i < texts.length; i++) {
        utf8[i] = texts[i].getBytes(StandardCharsets.UTF_8);
      }
      try (ChronicleJournal j = ChronicleJournal.openForWriting(bytesDir, "hourly")) {
        for (int i = 0; i < 100_000; i++) {
          j.append(utf8[i & 1023], 0, utf8[i & 1023].length); // warm-up
        }
        long t0 = System.nanoTime();
        for (long i = 0; i < n; i++) {
          byte[] b = utf8[(int) (i & 1023)];
          j.append(b, 0, b.length);
        }
        System.out.printf(
            "round %d: ChronicleJournal.append(byte[]) of pre-encoded JSON (chained, synced every 1 s): "
                + "%,.0f records/s%n",
            round, n / ((System.nanoTime() - t0) / 1e9));
      }
      ReplayBench.delete(bytesDir);

      Path before = dir.resolve("before-" + round);
      try (ChronicleJournal j = ChronicleJournal.openForWriting(before, "hourly")) {
        ObjectMapper json = new ObjectMapper();
        for (int i = 0; i < 100_000; i++) {
          j.append(
              json.writeValueAsString(
                  alert("0123456789ab-" + String.format("%016x", i), i))); // warm-up
        }
        long t0 = System.nanoTime();
        for (long i = 0; i < n; i++) {
          j.append(json.writeValueAsString(alert("0123456789ab-" + String.format("%016x", i), i)));
        }
        System.out.printf(
            "round %d: the pipeline's path before (String.format id, writeValueAsString, append(String)): "
                + "%,.0f records/s%n",
            round, n / ((System.nanoTime() - t0) / 1e9));
      }
      ReplayBench.delete(before);

      Path encoded = dir.resolve("encoded-" + round);
      try (ChronicleJournal j = ChronicleJournal.openForWriting(encoded, "hourly")) {
        JournalWriter w = new JournalWriter(j, new ObjectMapper());
        RecordIds ids = new RecordIds("0123456789ab", 0, 1);
        for (int i = 0; i < 100_000; i++) {
          w.append(alert(ids.next(), i)); // warm-up
        }
        long t0 = System.nanoTime();
        for (long i = 0; i < n; i++) {
          w.append(alert(ids.next(), i));
        }
        System.out.printf(
            "round %d: record map -> id + JSON encoding + JournalWriter.append (chained, synced every 1 s): "
                + "%,.0f records/s%n",
            round, n / ((System.nanoTime() - t0) / 1e9));
      }
      ReplayBench.delete(encoded);

      Path d = dir.resolve("append-" + round);
      try (ChronicleJournal j = ChronicleJournal.openForWriting(d, "hourly")) {
        for (int i = 0; i < 100_000; i++) {
          j.append(texts[i & 1023]); // warm-up
        }
        long t0 = System.nanoTime();
        for (long i = 0; i < n; i++) {
          j.append(texts[(int) (i & 1023)]);
        }
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf(
            "round %d: ChronicleJournal.append (chained, synced every 1 s): %,.0f records/s%n",
            round, n / s);
      }
      ReplayBench.delete(d);
    }
  }

  /**
   * {@code ship N}: N records journalled first, then shipped under each setting, best to worst
   * printed.
   */
  static void ship(long n, Path dir, List<Map<String, String>> settings) throws Exception {
    try (LocalBroker broker = LocalBroker.start(dir.resolve("broker"))) {
      System.out.printf("broker pid %d on %s%n", broker.pid(), broker.bootstrapServers());
      Path journalDir = dir.resolve("journal");
      long last;
      try (ChronicleJournal j = ChronicleJournal.openForWriting(journalDir, "hourly")) {
        last = 0;
        for (long i = 0; i < n; i++) {
          last = j.append(record(i, 0));
        }
      }
      AtomicInteger topic = new AtomicInteger();
      Map<Map<String, String>, List<Double>> rates = new LinkedHashMap<>();
      try (ChronicleJournal j = ChronicleJournal.openForWriting(journalDir, "hourly")) {
        System.out.printf(
            "warm-up: %,.0f records/s (not counted)%n",
            shipOnce(broker, j, dir, topic, Map.of(), n, last));
        for (int round = 1; round <= 3; round++) {
          for (Map<String, String> props : settings) {
            double rate = shipOnce(broker, j, dir, topic, props, n, last);
            rates.computeIfAbsent(props, k -> new ArrayList<>()).add(rate);
            System.out.printf("round %d %-64s %,10.0f records/s%n", round, label(props), rate);
          }
        }
      }
      System.out.printf(
          "%n| producer settings over the defaults | records/s (median of 3) | min – max |%n|---|---|---|%n");
      for (Map.Entry<Map<String, String>, List<Double>> e : rates.entrySet()) {
        List<Double> r = new ArrayList<>(e.getValue());
        r.sort(null);
        System.out.printf(
            "| %s | %,.0f | %,.0f – %,.0f |%n",
            label(e.getKey()), r.get(r.size() / 2), r.get(0), r.get(r.size() - 1));
      }
    }
  }

  /**
   * {@code ship-start ROUNDS N [ungated]}: a new producer ships N journalled records to a topic
   * created just before, ROUNDS times; a round that takes over 10 s stalled (the delivery timeout
   * is cut to 15 s so that a stall shows without waiting 2 min). {@code ungated} picks partitions
   * through a configured partitioner, which turns the sink's first-acknowledgement gate off.
   */
  static void shipStart(int rounds, long n, boolean gated, Path dir) throws Exception {
    Map<String, String> props = new LinkedHashMap<>();
    props.put("delivery.timeout.ms", "15000");
    props.put("request.timeout.ms", "10000");
    if (!gated) {
      props.put(
          "partitioner.class", "org.apache.kafka.clients.producer.internals.DefaultPartitioner");
    }
    try (LocalBroker broker = LocalBroker.start(dir.resolve("broker"))) {
      Path journalDir = dir.resolve("journal");
      long last = 0;
      try (ChronicleJournal j = ChronicleJournal.openForWriting(journalDir, "hourly")) {
        for (long i = 0; i < n; i++) {
          last = j.append(record(i, 0));
        }
      }
      AtomicInteger topic = new AtomicInteger();
      List<Double> seconds = new ArrayList<>();
      int stalls = 0;
      try (ChronicleJournal j = ChronicleJournal.openForWriting(journalDir, "hourly")) {
        for (int round = 1; round <= rounds; round++) {
          double rate = shipOnce(broker, j, dir, topic, props, n, last);
          double s = n / rate;
          seconds.add(s);
          boolean stalled = s > 10;
          stalls += stalled ? 1 : 0;
          System.out.printf(
              "round %d (%s): %.2f s, %,.0f records/s%s%n",
              round, gated ? "gated" : "ungated", s, rate, stalled ? "  STALLED" : "");
        }
      }
      seconds.sort(null);
      System.out.printf(
          "%s: %d of %d rounds stalled (> 10 s); median %.2f s, max %.2f s%n",
          gated ? "gated" : "ungated",
          stalls,
          rounds,
          seconds.get(seconds.size() / 2),
          seconds.get(seconds.size() - 1));
    }
  }

  private static String label(Map<String, String> props) {
    return props.isEmpty()
        ? "(dockward defaults)"
        : props.toString().replace("{", "").replace("}", "");
  }

  /**
   * Ships the whole journal to a fresh topic with a fresh checkpoint; records/s until all
   * committed.
   */
  private static double shipOnce(
      LocalBroker broker,
      ChronicleJournal j,
      Path dir,
      AtomicInteger topic,
      Map<String, String> props,
      long n,
      long last)
      throws Exception {
    String name = "bench.ship." + topic.incrementAndGet();
    broker.createTopic(name);
    AgentConfig.Kafka kafka =
        new AgentConfig.Kafka(
            true,
            broker.bootstrapServers(),
            new AgentConfig.Topics(name, name + ".events"),
            false,
            props);
    Shipper s =
        new Shipper(
            j,
            KafkaSink.create(kafka),
            FileCheckpoint.forSink(dir, "bench-" + topic.get()),
            ShipperSettings.of(false, ShipperSettings.Start.JOURNAL_START));
    long t0 = System.nanoTime();
    s.start();
    long end = t0 + TimeUnit.MINUTES.toNanos(10);
    while (!s.committed().equals(OptionalLong.of(last)) && System.nanoTime() < end) {
      LockSupport.parkNanos(2_000_000);
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    boolean done = s.committed().equals(OptionalLong.of(last));
    s.close();
    if (!done) {
      throw new IllegalStateException("not all committed within 10 min with " + props);
    }
    return n / secs;
  }

  /**
   * {@code lag RATE SECONDS}: appends at a steady rate while shipping; lag = acknowledged −
   * appended.
   */
  static void lag(int rate, int seconds, Path dir) throws Exception {
    try (LocalBroker broker = LocalBroker.start(dir.resolve("broker"))) {
      String name = "bench.lag";
      broker.createTopic(name);
      AgentConfig.Kafka kafka =
          new AgentConfig.Kafka(
              true,
              broker.bootstrapServers(),
              new AgentConfig.Topics(name, name + ".events"),
              false,
              Map.of());
      long total = (long) rate * seconds;
      long[] lags = new long[(int) total];
      AtomicInteger acked = new AtomicInteger();
      try (ChronicleJournal j = ChronicleJournal.openForWriting(dir.resolve("journal"), "hourly")) {
        Sink timed = new LagSink(KafkaSink.create(kafka), lags, acked);
        try (Shipper s =
            new Shipper(
                j,
                timed,
                FileCheckpoint.forSink(dir, "lag"),
                ShipperSettings.of(false, ShipperSettings.Start.JOURNAL_START))) {
          s.start();
          long t0 = System.nanoTime();
          long interval = 1_000_000_000L / rate;
          for (long i = 0; i < total; i++) {
            long due = t0 + i * interval;
            long now;
            while ((now = System.nanoTime()) < due) {
              LockSupport.parkNanos(Math.min(due - now, 200_000));
            }
            j.append(record(i, System.nanoTime()));
          }
          long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
          while (acked.get() < total && System.nanoTime() < end) {
            LockSupport.parkNanos(5_000_000);
          }
        }
      }
      System.out.printf(
          "%,d records at %,d/s for %d s, %,d acknowledged%n", total, rate, seconds, acked.get());
      print("all records", Arrays.copyOf(lags, lags.length));
      // The first seconds include the producer's connection and metadata set-up.
      print(
          "after the first 5 s",
          Arrays.copyOfRange(lags, Math.min(lags.length, rate * 5), lags.length));
    }
  }

  private static void print(String what, long[] lags) {
    Arrays.sort(lags);
    System.out.printf(
        "lag %s: p50 %.1f ms, p99 %.1f ms, p99.9 %.1f ms, max %.1f ms%n",
        what,
        pct(lags, 0.50),
        pct(lags, 0.99),
        pct(lags, 0.999),
        lags.length == 0 ? 0 : lags[lags.length - 1] / 1e6);
  }

  private static double pct(long[] sorted, double p) {
    return sorted.length == 0
        ? 0
        : sorted[Math.min(sorted.length - 1, (int) (p * sorted.length))] / 1e6;
  }

  /** Times each acknowledgement against the append time the record carries. */
  private static final class LagSink extends ForwardingSink {
    private final long[] lags;
    private final AtomicInteger acked;

    LagSink(Sink inner, long[] lags, AtomicInteger acked) {
      super(inner);
      this.lags = lags;
      this.acked = acked;
    }

    @Override
    public CompletionStage<Void> send(String json, Map<String, Object> record) {
      long appended = ((Number) record.get("t")).longValue();
      return inner
          .send(json, record)
          .whenComplete(
              (ok, error) -> {
                if (error == null) {
                  long lag = System.nanoTime() - appended;
                  String id = (String) record.get("id");
                  int n = (int) Long.parseLong(id.substring(id.indexOf('-') + 1), 16);
                  if (n < lags.length) {
                    lags[n] = lag;
                  }
                  acked.incrementAndGet();
                }
              });
    }
  }

  /** The producer settings tried by {@code ship}: each map goes over Dockward's defaults. */
  static List<Map<String, String>> shipSettings() {
    return List.of(
        Map.of(),
        props("linger.ms", "5"),
        props("linger.ms", "50"),
        props("batch.size", "65536"),
        props("batch.size", "1048576"),
        props("compression.type", "none"),
        props("compression.type", "zstd"),
        props("buffer.memory", "134217728", "batch.size", "1048576", "linger.ms", "50"));
  }

  private static Map<String, String> props(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }
}
