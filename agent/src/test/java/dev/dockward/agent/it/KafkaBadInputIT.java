package dev.dockward.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockward.agent.config.AgentConfig;
import dev.dockward.agent.journal.ChronicleJournal;
import dev.dockward.agent.ship.FileCheckpoint;
import dev.dockward.agent.ship.KafkaSink;
import dev.dockward.agent.ship.Shipper;
import dev.dockward.agent.ship.ShipperSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input on the way to a real broker: a topic that does not exist (auto-creation is off), wrong
 * SASL credentials, a corrupt checkpoint. Nothing is lost: records wait in the journal and arrive
 * once the cause is fixed; a checkpoint that cannot be trusted means duplicates, never a gap.
 */
@Tag("integration")
class KafkaBadInputIT {
  private static final Duration DEADLINE = Duration.ofSeconds(180);

  @TempDir static Path brokerDir;
  private static KafkaBroker broker;

  @TempDir Path dir;
  private final List<AutoCloseable> cleanup = new ArrayList<>();

  @BeforeAll
  static void startBroker() throws Exception {
    broker = KafkaBroker.start(brokerDir.resolve("broker"), TestCa.create(brokerDir.resolve("ca")));
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = cleanup.size() - 1; i >= 0; i--) {
      cleanup.get(i).close();
    }
  }

  private <T extends AutoCloseable> T closing(T c) {
    cleanup.add(c);
    return c;
  }

  private static List<String> ids(int from, int to) {
    List<String> ids = new ArrayList<>();
    for (int i = from; i <= to; i++) {
      ids.add("it-" + i);
    }
    return ids;
  }

  private ChronicleJournal journalWith(int from, int to) {
    ChronicleJournal journal =
        closing(ChronicleJournal.openForWriting(dir.resolve("journal"), "hourly"));
    append(journal, from, to);
    return journal;
  }

  private static long append(ChronicleJournal journal, int from, int to) {
    long last = -1;
    for (int i = from; i <= to; i++) {
      last = journal.append(KafkaShippingIT.record(i));
    }
    return last;
  }

  private static Shipper start(ChronicleJournal journal, AgentConfig.Kafka kafka)
      throws InterruptedException {
    Shipper s =
        new Shipper(
            journal,
            KafkaSink.create(kafka),
            FileCheckpoint.forSink(journal.dir(), KafkaSink.NAME),
            ShipperSettings.of(false, ShipperSettings.Start.JOURNAL_START)
                .withMaxBackoff(Duration.ofSeconds(2)));
    s.start();
    return s;
  }

  @Test
  void aMissingTopicIsAClearErrorAndRecordsWaitUntilItExists() throws Exception {
    String topic = "it.missing.alerts";
    ChronicleJournal journal = journalWith(1, 500);
    AgentConfig.Kafka kafka =
        new AgentConfig.Kafka(
            true,
            broker.bootstrapServers(),
            new AgentConfig.Topics(topic, topic + ".events"),
            false,
            Map.of("max.block.ms", "2000"));

    // The error the shipper logs and counts, seen through the sink itself.
    KafkaSink probe = closing(KafkaSink.create(kafka));
    ExecutionException error =
        org.junit.jupiter.api.Assertions.assertThrows(
            ExecutionException.class,
            () ->
                ((CompletableFuture<Void>)
                        probe
                            .send(KafkaShippingIT.record(0), Map.of("kind", "alert"))
                            .toCompletableFuture())
                    .get(60, TimeUnit.SECONDS));
    assertTrue(
        error.getCause().getMessage().contains("topic '" + topic + "' does not exist"),
        error.getCause().getMessage());

    Shipper shipper = closing(start(journal, kafka));
    Await.until(
        () -> shipper.failures() >= 2, DEADLINE, () -> "sends fail while the topic is missing");
    assertEquals(0, shipper.shipped());
    assertEquals(OptionalLong.empty(), shipper.committed());
    append(journal, 501, 1_000);

    broker.createTopics(topic);
    TopicReader reader = closing(new TopicReader(broker, topic));
    reader.awaitAll(ids(1, 1_000), DEADLINE);
    System.out.printf(
        "KafkaBadInputIT: missing topic: %d failed sends before it existed, all 1000 arrived, "
            + "%d duplicates%n",
        shipper.failures(), reader.duplicates());
  }

  @Test
  void wrongSaslCredentialsAreAClearErrorAndTheRightOnesDeliverEverythingKept() throws Exception {
    String topic = "it.sasl.alerts";
    broker.createTopics(topic);
    ChronicleJournal journal = journalWith(1, 500);
    AgentConfig.Kafka wrong = sasl(topic, "wrong-secret");

    KafkaSink probe = closing(KafkaSink.create(wrong));
    ExecutionException error =
        org.junit.jupiter.api.Assertions.assertThrows(
            ExecutionException.class,
            () ->
                ((CompletableFuture<Void>)
                        probe
                            .send(KafkaShippingIT.record(0), Map.of("kind", "alert"))
                            .toCompletableFuture())
                    .get(60, TimeUnit.SECONDS));
    assertTrue(
        error.getCause().getMessage().contains("Kafka refused the agent's credentials"),
        error.getCause().getMessage());

    Shipper refused = start(journal, wrong);
    Await.until(
        () -> refused.failures() >= 2, DEADLINE, () -> "sends fail with the wrong password");
    append(journal, 501, 800);
    refused.close();
    assertEquals(0, refused.shipped());
    assertTrue(
        FileCheckpoint.forSink(journal.dir(), KafkaSink.NAME).load().isEmpty(),
        "nothing was committed");

    // The admin fixes the password and restarts: everything the journal kept arrives.
    Shipper fixed = closing(start(journal, sasl(topic, KafkaBroker.SASL_PASSWORD)));
    TopicReader reader = closing(new TopicReader(broker, topic));
    reader.awaitAll(ids(1, 800), DEADLINE);
    assertEquals(0, reader.duplicates());
    System.out.printf(
        "KafkaBadInputIT: wrong SASL password: %d failed sends, then all 800 arrived over SASL PLAIN%n",
        refused.failures());
    // The consumer can see a record before the producer's acknowledgement reaches the shipper.
    Await.until(
        () -> fixed.shipped() >= 800,
        DEADLINE,
        () -> "the shipper counts its 800 acknowledged records");
  }

  private AgentConfig.Kafka sasl(String topic, String password) {
    return new AgentConfig.Kafka(
        true,
        broker.saslBootstrapServers(),
        new AgentConfig.Topics(topic, topic + ".events"),
        false,
        Map.of(
            "security.protocol",
            "SASL_PLAINTEXT",
            "sasl.mechanism",
            "PLAIN",
            "max.block.ms",
            "3000",
            "sasl.jaas.config",
            "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                + KafkaBroker.SASL_USER
                + "\" password=\""
                + password
                + "\";"));
  }

  @Test
  void aCorruptCheckpointRestartsFromTheOldestRecordAndSkipsNothing() throws Exception {
    String topic = "it.corrupt.alerts";
    broker.createTopics(topic);
    ChronicleJournal journal = journalWith(1, 1_000);
    long lastOfFirstRun = 0;
    AgentConfig.Kafka kafka =
        new AgentConfig.Kafka(
            true,
            broker.bootstrapServers(),
            new AgentConfig.Topics(topic, topic + ".events"),
            false,
            Map.of());
    Shipper first = start(journal, kafka);
    TopicReader reader = closing(new TopicReader(broker, topic));
    reader.awaitAll(ids(1, 1_000), DEADLINE);
    first.close();
    FileCheckpoint checkpoint = FileCheckpoint.forSink(journal.dir(), KafkaSink.NAME);
    lastOfFirstRun = checkpoint.load().orElseThrow();
    append(journal, 1_001, 2_000);

    // Bit rot in the checkpoint: a digit changed, the checksum no longer matches.
    String text = Files.readString(checkpoint.file());
    Files.writeString(
        checkpoint.file(), text.replaceFirst("[0-9] ", "0 ").replaceFirst("1 ", "7 "));
    assertTrue(
        checkpoint.load().isEmpty(),
        "the corrupt checkpoint is not trusted: " + Files.readString(checkpoint.file()));
    Shipper second = closing(start(journal, kafka));
    reader.awaitAll(ids(1, 2_000), DEADLINE);
    Await.until(
        () -> reader.duplicates() >= 1_000,
        DEADLINE,
        () -> "the first 1000 come again: " + reader.duplicates());
    long committed = lastOfFirstRun;
    Await.until(
        () -> second.committed().isPresent() && second.committed().getAsLong() > committed,
        DEADLINE,
        () -> "the new run commits past the old checkpoint");
    System.out.printf(
        "KafkaBadInputIT: corrupt checkpoint: all 2000 arrived, %d duplicates, none skipped%n",
        reader.duplicates());
  }
}
