package dev.dockward.agent.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads a topic from its beginning, as a SOC consumer would, and counts every record id it sees:
 * which ids arrived, and how many arrived more than once.
 */
final class TopicReader implements AutoCloseable {
  private final KafkaConsumer<String, String> consumer;
  private final ObjectMapper json = new ObjectMapper();
  private final Map<String, Integer> seen = new HashMap<>();
  private final Map<String, String> values = new HashMap<>();
  private ConsumerRecord<String, String> first;
  private long total;

  TopicReader(KafkaBroker broker, String topic) {
    consumer = new KafkaConsumer<>(broker.consumerProperties());
    List<TopicPartition> partitions =
        consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
            .map(p -> new TopicPartition(topic, p.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
  }

  /** One poll; returns how many records it brought. */
  int poll() {
    int n = 0;
    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
      if (first == null) {
        first = r;
      }
      String id;
      try {
        id = json.readTree(r.value()).path("id").asText();
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON on the topic: " + r.value(), e);
      }
      seen.merge(id, 1, Integer::sum);
      values.put(id, r.value());
      total++;
      n++;
    }
    return n;
  }

  /** Polls until every id in {@code expected} arrived, or fails naming how many are missing. */
  void awaitAll(Collection<String> expected, Duration deadline) {
    Set<String> missing = new HashSet<>(expected);
    missing.removeAll(seen.keySet());
    long end = System.nanoTime() + deadline.toNanos();
    while (!missing.isEmpty()) {
      if (System.nanoTime() - end > 0) {
        throw new AssertionError(
            missing.size()
                + " of "
                + expected.size()
                + " ids did not arrive within "
                + deadline
                + ", e.g. "
                + missing.stream().sorted().limit(5).toList());
      }
      int before = seen.size();
      poll();
      if (seen.size() != before) {
        missing.removeAll(seen.keySet());
      }
    }
  }

  /** Polls until at least {@code n} distinct ids arrived. */
  void awaitAtLeast(int n, Duration deadline) {
    Await.until(
        () -> {
          poll();
          return seen.size() >= n;
        },
        deadline,
        () -> "only " + seen.size() + " of " + n + " ids arrived");
  }

  Set<String> ids() {
    return Set.copyOf(seen.keySet());
  }

  /** The value last read for {@code id}, null when none was. */
  String value(String id) {
    return values.get(id);
  }

  /** How often {@code id} was read. */
  int count(String id) {
    return seen.getOrDefault(id, 0);
  }

  /** Records read beyond the first copy of each id (at-least-once delivery's repeats). */
  long duplicates() {
    return total - seen.size();
  }

  ConsumerRecord<String, String> first() {
    return first;
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(5));
  }
}
