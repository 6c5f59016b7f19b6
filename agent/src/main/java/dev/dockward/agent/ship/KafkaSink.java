package dev.dockward.agent.ship;

import dev.dockward.agent.config.AgentConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Records to Kafka: alerts to the alerts topic, events (when they ship) to the events topic, the
 * journalled JSON as the value. The key is the container id, or the host id for records about the
 * host, so one container's records stay in order on one partition. Headers {@code schema}, {@code
 * kind} and, for alerts, {@code rule} let consumers route without parsing.
 *
 * <p>A record counts as delivered when the producer's callback reports success: the producer is
 * idempotent with {@code acks=all}. Anything else, a send that expired after {@code
 * delivery.timeout.ms} included, is a failed send that the shipper repeats from the journal; except
 * a record too large for the producer or broker, which is {@link RecordRejectedException rejected}.
 */
public final class KafkaSink implements Sink {
  public static final String NAME = "kafka";

  private final Producer<String, byte[]> producer;
  private final AgentConfig.Topics topics;

  /**
   * Null when the config picks partitions its own way (the sink cannot tell where a record goes).
   */
  private final FirstAckGate<Pending> gate;

  /** A record on its way and the stage its send completes. */
  private record Pending(ProducerRecord<String, byte[]> record, CompletableFuture<Void> done) {}

  KafkaSink(Producer<String, byte[]> producer, AgentConfig.Topics topics) {
    this(producer, topics, true);
  }

  private KafkaSink(Producer<String, byte[]> producer, AgentConfig.Topics topics, boolean gated) {
    this.producer = producer;
    this.topics = topics;
    this.gate = gated ? new FirstAckGate<>() : null;
  }

  /** A sink with its own producer; nothing connects until the first send. */
  public static KafkaSink create(AgentConfig.Kafka config) {
    return new KafkaSink(
        new KafkaProducer<>(producerProperties(config)),
        config.topics(),
        !config.properties().containsKey(ProducerConfig.PARTITIONER_CLASS_CONFIG)
            && !"true"
                .equals(
                    String.valueOf(
                        config.properties().get(ProducerConfig.PARTITIONER_IGNORE_KEYS_CONFIG))));
  }

  /**
   * Dockward's producer defaults, then the config's properties over them, then what the delivery
   * guarantee needs (the config loader refuses those keys, so nothing is silently overridden).
   */
  static Map<String, Object> producerProperties(AgentConfig.Kafka config) {
    Map<String, Object> p = new HashMap<>();
    // Batching: many small records per request; lz4 is cheap on CPU and JSON compresses well.
    p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    // send() waits this long for metadata when the brokers are unreachable; the shipper's thread
    // should come back soon and retry on its own schedule, not sit for the default 60 s.
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "dockward");
    p.putAll(config.properties());
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return p;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public CompletionStage<Void> send(String json, Map<String, Object> record) {
    boolean alert = "alert".equals(record.get("kind"));
    String topic = alert ? topics.alerts() : topics.events();
    String key = key(record);
    CompletableFuture<Void> done = new CompletableFuture<>();
    List<PartitionInfo> partitions;
    try {
      partitions = gate == null || gate.isOpen(topic) ? List.of() : producer.partitionsFor(topic);
    } catch (RuntimeException e) {
      done.completeExceptionally(explained(e, topic));
      return done;
    }
    byte[] value = json.getBytes(StandardCharsets.UTF_8);
    if (partitions == null || partitions.isEmpty()) {
      // Not gated (any more): the producer's partitioner picks the same partition for the key.
      // Records an acknowledgement released go first, in order.
      flush();
      send(
          new Pending(new ProducerRecord<>(topic, null, key, value, headers(record, alert)), done),
          null);
      return done;
    }
    // Kafka's default partitioner's choice (murmur2 of the key's bytes), so the gate knows where it
    // goes.
    int partition =
        BuiltInPartitioner.partitionForKey(key.getBytes(StandardCharsets.UTF_8), partitions.size());
    TopicPartition tp = new TopicPartition(topic, partition);
    Pending out =
        new Pending(
            new ProducerRecord<>(topic, partition, key, value, headers(record, alert)), done);
    sendAll(gate.admit(tp, partitions.size(), out), tp);
    return done;
  }

  private void sendAll(List<Pending> now, TopicPartition tp) {
    for (Pending p : now) {
      send(p, tp);
    }
  }

  private void send(Pending out, TopicPartition tp) {
    try {
      producer.send(out.record(), (metadata, error) -> completed(out, tp, error));
    } catch (RuntimeException e) {
      completed(out, tp, e);
    }
  }

  private void completed(Pending out, TopicPartition tp, Exception error) {
    if (error == null) {
      if (tp != null) {
        gate.acked(tp);
      }
      out.done().complete(null);
      return;
    }
    if (error instanceof RecordTooLargeException) {
      // Retrying cannot help; splitting a JSON document is not ours to do.
      out.done().completeExceptionally(new RecordRejectedException(error.getMessage(), error));
    } else {
      out.done().completeExceptionally(explained(error, out.record().topic()));
    }
    if (tp != null) {
      for (Pending behind : gate.failed(tp)) {
        behind
            .done()
            .completeExceptionally(
                new IOException(
                    "not sent: the record before it on "
                        + tp
                        + " failed before this producer's first acknowledgement there ("
                        + error
                        + ")"));
      }
    }
  }

  /**
   * The producer's error, reworded where Kafka's own words hide the cause an admin must fix: a
   * topic that does not exist shows only as a metadata timeout, and wrong credentials as an
   * authentication exception. Either way the record stays in the journal and is sent again.
   */
  static Exception explained(Exception error, String topic) {
    String message = String.valueOf(error.getMessage());
    IOException clear = null;
    if (error instanceof org.apache.kafka.common.errors.TimeoutException
        && message.contains("not present in metadata")) {
      clear =
          new IOException(
              "topic '"
                  + topic
                  + "' does not exist on the cluster (or is not visible to this "
                  + "client), and the brokers do not create it: create it; records wait in the journal ("
                  + message
                  + ")");
    } else if (error instanceof AuthenticationException) {
      clear =
          new IOException(
              "Kafka refused the agent's credentials (check sasl.jaas.config, sasl.mechanism and "
                  + "security.protocol in sinks.kafka.properties); records wait in the journal ("
                  + message
                  + ")");
    } else if (error instanceof AuthorizationException) {
      clear =
          new IOException(
              "Kafka does not allow the agent to write to topic '"
                  + topic
                  + "' (ACLs); records wait "
                  + "in the journal ("
                  + message
                  + ")");
    }
    if (clear == null) {
      return error;
    }
    clear.addSuppressed(error);
    return clear;
  }

  /** The container's id, else the host's: records about one container share a partition. */
  static String key(Map<String, Object> record) {
    String container = idOf(record.get("container"));
    return container.isEmpty() ? idOf(record.get("host")) : container;
  }

  private static String idOf(Object section) {
    if (section instanceof Map<?, ?> m && m.get("id") instanceof String id) {
      return id;
    }
    return "";
  }

  static List<Header> headers(Map<String, Object> record, boolean alert) {
    List<Header> headers = new ArrayList<>(3);
    headers.add(header("schema", record.get("schema")));
    headers.add(header("kind", record.get("kind")));
    if (alert) {
      headers.add(header("rule", record.get("rule")));
    }
    return headers;
  }

  private static Header header(String name, Object value) {
    return new RecordHeader(name, String.valueOf(value).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Sends what the gate held for partitions acknowledged since; the producer itself sends batches
   * after {@code linger.ms} on its own thread.
   */
  @Override
  public void flush() {
    if (gate != null) {
      for (Pending p : gate.release()) {
        send(p, new TopicPartition(p.record().topic(), p.record().partition()));
      }
    }
  }

  /**
   * Gives outstanding sends 5 s to complete; after that the producer fails them (and the sink the
   * records it still held), and the shipper sends them again on its next start.
   */
  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
    if (gate != null) {
      // Held behind a first record that never got its answer: never reached the producer.
      for (Pending p : gate.drainAll()) {
        p.done()
            .completeExceptionally(
                new IOException(
                    "not sent: the sink closed while the record waited for the "
                        + "first acknowledgement on its partition"));
      }
    }
  }
}
