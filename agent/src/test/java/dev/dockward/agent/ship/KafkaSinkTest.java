package dev.dockward.agent.ship;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockward.agent.config.AgentConfig;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** Routing, keys, headers and acknowledgements, against kafka-clients' own MockProducer. */
class KafkaSinkTest {
  private static final String CONTAINER = "9f2c6a1b3d4e";
  private final MockProducer<String, byte[]> producer =
      new MockProducer<>(false, new StringSerializer(), new ByteArraySerializer());
  private final KafkaSink sink =
      new KafkaSink(producer, new AgentConfig.Topics("soc.alerts", "soc.events"));

  private static Map<String, Object> alert() {
    return Map.of(
        "schema",
        1,
        "kind",
        "alert",
        "id",
        "h-1",
        "rule",
        "docker_socket_mounted",
        "container",
        Map.of("id", CONTAINER),
        "host",
        Map.of("id", "hostid"));
  }

  private static String header(ProducerRecord<String, byte[]> r, String name) {
    return r.headers().lastHeader(name) == null
        ? null
        : new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }

  @Test
  void alertGoesToTheAlertsTopicKeyedByContainerWithHeaders() {
    sink.send("{\"id\":\"h-1\"}", alert());
    ProducerRecord<String, byte[]> r = producer.history().get(0);
    assertEquals("soc.alerts", r.topic());
    assertEquals(CONTAINER, r.key());
    assertEquals(
        "{\"id\":\"h-1\"}",
        new String(r.value(), StandardCharsets.UTF_8),
        "the journalled text, as is");
    assertEquals("1", header(r, "schema"));
    assertEquals("alert", header(r, "kind"));
    assertEquals("docker_socket_mounted", header(r, "rule"));
  }

  @Test
  void hostEventGoesToTheEventsTopicKeyedByHostWithoutARuleHeader() {
    sink.send(
        "{}",
        Map.of(
            "schema",
            1,
            "kind",
            "event",
            "type",
            "posture_finding",
            "host",
            Map.of("id", "hostid"),
            "container",
            Map.of("id", "")));
    ProducerRecord<String, byte[]> r = producer.history().get(0);
    assertEquals("soc.events", r.topic());
    assertEquals("hostid", r.key());
    assertEquals(null, header(r, "rule"));
  }

  @Test
  void theStageCompletesOnlyWithTheProducersVerdict() throws Exception {
    CompletableFuture<Void> first = sink.send("{}", alert()).toCompletableFuture();
    CompletableFuture<Void> second = sink.send("{}", alert()).toCompletableFuture();
    assertTrue(!first.isDone() && !second.isDone(), "nothing acknowledged yet");
    producer.completeNext();
    producer.errorNext(
        new TimeoutException("Expiring 1 record(s): delivery.timeout.ms has passed"));
    first.get();
    ExecutionException e =
        org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, second::get);
    assertTrue(
        e.getCause() instanceof TimeoutException, "an expired send is a failure, never a success");
  }

  @Test
  void aRecordTooLargeIsRejectedForGoodNotFailed() {
    CompletableFuture<Void> big = sink.send("{}", alert()).toCompletableFuture();
    producer.errorNext(
        new RecordTooLargeException(
            "The message is 2097152 bytes when serialized which is larger than 1048576"));
    ExecutionException e =
        org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, big::get);
    assertTrue(e.getCause() instanceof RecordRejectedException, e.getCause().toString());
  }

  @Test
  void configPropertiesPassThroughButTheGuaranteeIsFixed() {
    Map<String, Object> p =
        KafkaSink.producerProperties(
            new AgentConfig.Kafka(
                true,
                "k1:9092",
                null,
                false,
                Map.of("security.protocol", "SSL", "linger.ms", "5")));
    assertEquals("SSL", p.get("security.protocol"));
    assertEquals("5", p.get("linger.ms"), "the config overrides a tuning default");
    assertEquals("k1:9092", p.get("bootstrap.servers"));
    assertEquals("all", p.get("acks"));
    assertEquals("true", p.get("enable.idempotence"));
  }

  /** A sink over a producer that knows three partitions of each topic (so the sink gates). */
  private static MockProducer<String, byte[]> partitioned() {
    org.apache.kafka.common.Node node = new org.apache.kafka.common.Node(0, "localhost", 9092);
    java.util.List<org.apache.kafka.common.PartitionInfo> partitions = new java.util.ArrayList<>();
    for (String topic : java.util.List.of("soc.alerts", "soc.events")) {
      for (int p = 0; p < 3; p++) {
        partitions.add(
            new org.apache.kafka.common.PartitionInfo(
                topic,
                p,
                node,
                new org.apache.kafka.common.Node[] {node},
                new org.apache.kafka.common.Node[] {node}));
      }
    }
    return new MockProducer<>(
        new org.apache.kafka.common.Cluster(
            "c", java.util.List.of(node), partitions, java.util.Set.of(), java.util.Set.of()),
        false,
        new StringSerializer(),
        new ByteArraySerializer());
  }

  private static Map<String, Object> alertOf(String container) {
    return Map.of(
        "schema",
        1,
        "kind",
        "alert",
        "id",
        "h-1",
        "rule",
        "r",
        "container",
        Map.of("id", container));
  }

  @Test
  void untilTheFirstAcknowledgementOnlyOneRecordPerPartitionIsInFlight() throws Exception {
    MockProducer<String, byte[]> p = partitioned();
    KafkaSink gated = new KafkaSink(p, new AgentConfig.Topics("soc.alerts", "soc.events"));
    java.util.List<CompletableFuture<Void>> sends = new java.util.ArrayList<>();
    for (int i = 0; i < 5; i++) {
      sends.add(gated.send("{\"n\":" + i + "}", alertOf(CONTAINER)).toCompletableFuture());
    }
    assertEquals(1, p.history().size(), "one record to the container's partition, four held");
    int partition = p.history().get(0).partition();
    assertEquals(
        org.apache.kafka.clients.producer.internals.BuiltInPartitioner.partitionForKey(
            CONTAINER.getBytes(StandardCharsets.UTF_8), 3),
        partition,
        "the default partitioner's choice");
    gated.flush();
    assertEquals(1, p.history().size(), "nothing released before the acknowledgement");
    p.completeNext();
    sends.get(0).get();
    gated.flush();
    assertEquals(5, p.history().size(), "released after it");
    for (int i = 0; i < 5; i++) {
      assertEquals(
          "{\"n\":" + i + "}",
          new String(p.history().get(i).value(), StandardCharsets.UTF_8),
          "in order");
      assertEquals(partition, p.history().get(i).partition());
    }
    gated.send("{\"n\":5}", alertOf(CONTAINER));
    assertEquals(6, p.history().size(), "after the first acknowledgement, sends go straight out");
    while (p.completeNext()) {
      // acknowledge the rest
    }
    for (CompletableFuture<Void> s : sends) {
      s.get();
    }
  }

  @Test
  void whenTheFirstRecordFailsTheHeldOnesFailWithItAndTheNextProbes() {
    MockProducer<String, byte[]> p = partitioned();
    KafkaSink gated = new KafkaSink(p, new AgentConfig.Topics("soc.alerts", "soc.events"));
    CompletableFuture<Void> first = gated.send("{}", alertOf(CONTAINER)).toCompletableFuture();
    CompletableFuture<Void> held = gated.send("{}", alertOf(CONTAINER)).toCompletableFuture();
    p.errorNext(new TimeoutException("Expiring 1 record(s): delivery.timeout.ms has passed"));
    assertTrue(first.isCompletedExceptionally());
    assertTrue(
        held.isCompletedExceptionally(), "a held record is failed, so the shipper sends it again");
    assertEquals(1, p.history().size(), "the held record never reached the producer");
    gated.send("{}", alertOf(CONTAINER));
    CompletableFuture<Void> heldAgain = gated.send("{}", alertOf(CONTAINER)).toCompletableFuture();
    assertEquals(2, p.history().size(), "the next record probes alone again");
    gated.close();
    assertTrue(
        heldAgain.isCompletedExceptionally(),
        "closing fails what was still held, so it is sent again");
  }

  @Test
  void partitionsAreGatedEachOnItsOwn() {
    MockProducer<String, byte[]> p = partitioned();
    KafkaSink gated = new KafkaSink(p, new AgentConfig.Topics("soc.alerts", "soc.events"));
    java.util.Set<Integer> seen = new java.util.HashSet<>();
    for (int i = 0; seen.size() < 3 && i < 100; i++) {
      String c = "c" + i;
      int partition =
          org.apache.kafka.clients.producer.internals.BuiltInPartitioner.partitionForKey(
              c.getBytes(StandardCharsets.UTF_8), 3);
      if (seen.add(partition)) {
        gated.send("{}", alertOf(c));
      }
    }
    assertEquals(3, p.history().size(), "one probe per partition, none waits for another");
    gated.send("{}", alertOf("c0")); // held behind its partition's probe
    assertEquals(3, p.history().size());
    while (p.completeNext()) {
      // every partition of the alerts topic acknowledged once
    }
    gated.send("{}", alertOf("c1"));
    assertEquals(5, p.history().size(), "the held record first, then the new one");
    assertEquals(
        null,
        p.history().get(4).partition(),
        "the topic is open: the producer partitions by key again");
    gated.send("{}", Map.of("schema", 1, "kind", "event", "container", Map.of("id", "c2")));
    assertEquals(6, p.history().size());
    assertTrue(p.history().get(5).partition() != null, "the events topic is still gated");
  }
}
