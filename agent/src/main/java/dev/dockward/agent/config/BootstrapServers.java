package dev.dockward.agent.config;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Kafka's {@code host:port[,host:port…]} and the producer properties Dockward does not let a config
 * change.
 */
public final class BootstrapServers {
  /**
   * Producer properties the shipper's at-least-once promise rests on, or that have their own key: a
   * config may not set them in {@code sinks.kafka.properties}.
   */
  public static final List<String> FIXED_PRODUCER_PROPERTIES =
      List.of(
          "bootstrap.servers", "acks", "enable.idempotence", "key.serializer", "value.serializer");

  private static final Pattern SERVER =
      Pattern.compile("(\\[[0-9a-fA-F:.]+\\]|[A-Za-z0-9.\\-_]+):[0-9]{1,5}");

  private BootstrapServers() {}

  /** Whether {@code s} is one or more {@code host:port} separated by commas. */
  public static boolean valid(String s) {
    if (s == null || s.isBlank()) {
      return false;
    }
    for (String server : s.split(",", -1)) {
      if (!SERVER.matcher(server.strip()).matches()) {
        return false;
      }
    }
    return true;
  }
}
