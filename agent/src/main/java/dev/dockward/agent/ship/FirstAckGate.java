package dev.dockward.agent.ship;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;

/**
 * Holds a producer to one record in flight per partition until the broker acknowledged one of its
 * records there. A new idempotent producer has no state on a partition's leader, and brokers before
 * Kafka 4.5 accept any first sequence from such a producer (KAFKA-15591): when its first batch is
 * refused as the partition changes leader or is still being created, and a later batch in flight is
 * accepted, the retried first batch is refused as out of order until {@code delivery.timeout.ms} (2
 * min) expires it. With one record in flight until the first acknowledgement, the first batch the
 * broker takes always has the first sequence.
 *
 * <p>{@link #admit} and {@link #release} run on the shipper's thread and return what to send now,
 * in order; {@link #acked} and {@link #failed} run on the producer's callback thread. Nothing is
 * sent under the lock (a send can block while the producer's buffer is full).
 *
 * @param <T> a record waiting to be sent
 */
final class FirstAckGate<T> {
  private final Set<TopicPartition> confirmed = new HashSet<>();
  private final Set<TopicPartition> probing = new HashSet<>();
  private final Map<TopicPartition, ArrayDeque<T>> held = new HashMap<>();

  /** Acknowledged partitions with records still held (what {@link #release} sends). */
  private final Set<TopicPartition> ready = new HashSet<>();

  /** Each topic's partition count, as the sink last saw it. */
  private final Map<String, Integer> partitionCounts = new HashMap<>();

  /** Topics whose every partition was acknowledged: nothing to gate there any more. */
  private final Set<String> open = ConcurrentHashMap.newKeySet();

  /**
   * Whether every partition of {@code topic} had an acknowledgement (then the sink sends without
   * asking the gate; partitions added to the topic later are not gated).
   */
  boolean isOpen(String topic) {
    return open.contains(topic);
  }

  /**
   * What to send now for a new record to {@code partition}: nothing (held), it, or held ones and
   * it.
   */
  synchronized List<T> admit(TopicPartition partition, int partitions, T record) {
    partitionCounts.put(partition.topic(), partitions);
    if (confirmed.contains(partition)) {
      List<T> now = drain(partition);
      now.add(record);
      return now;
    }
    if (probing.contains(partition)) {
      held.computeIfAbsent(partition, p -> new ArrayDeque<>()).add(record);
      return List.of();
    }
    // No record in flight and none acknowledged (nothing is held then): this one goes alone.
    probing.add(partition);
    return List.of(record);
  }

  /** Records held for partitions that were acknowledged since: send them now, in order. */
  synchronized List<T> release() {
    if (ready.isEmpty()) {
      return List.of();
    }
    List<T> now = new ArrayList<>();
    for (TopicPartition p : List.copyOf(ready)) {
      now.addAll(drain(p));
    }
    return now;
  }

  /** The broker took a record on {@code partition}: what waits for it may go. */
  synchronized void acked(TopicPartition partition) {
    if (confirmed.add(partition)) {
      probing.remove(partition);
      if (held.containsKey(partition)) {
        ready.add(partition);
      }
      Integer count = partitionCounts.get(partition.topic());
      if (count != null
          && confirmed.stream().filter(p -> p.topic().equals(partition.topic())).count() >= count) {
        open.add(partition.topic());
      }
    }
  }

  /**
   * The record that probed {@code partition} failed: the records held behind it are returned to be
   * failed too (the shipper sends them all again, in journal order), and the next record probes.
   */
  synchronized List<T> failed(TopicPartition partition) {
    if (!probing.remove(partition)) {
      return List.of();
    }
    return drain(partition);
  }

  /**
   * Every record still held (the sink is closing: they are failed, the shipper sends them again).
   */
  synchronized List<T> drainAll() {
    List<T> all = new ArrayList<>();
    held.values().forEach(all::addAll);
    held.clear();
    ready.clear();
    return all;
  }

  /** Records waiting (a gauge for tests). */
  synchronized int heldCount() {
    return held.values().stream().mapToInt(ArrayDeque::size).sum();
  }

  private List<T> drain(TopicPartition partition) {
    ready.remove(partition);
    ArrayDeque<T> waiting = held.remove(partition);
    return waiting == null ? new ArrayList<>() : new ArrayList<>(waiting);
  }
}
