package dev.dockward.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.dockward.agent.config.AgentConfig;
import dev.dockward.agent.config.ConfigLoader;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The shipped /etc/dockward/dockward.yaml names every key the agent accepts, each at its default
 * (so its comments document the defaults), and its commented Kafka TLS/SASL example is valid.
 */
class ShippedConfigTest {
  private static final Path SHIPPED = Path.of("src/deb/dockward.yaml");

  @Test
  void everyKeyIsPresentAndAtItsDefault() throws Exception {
    String text = Files.readString(SHIPPED);
    AgentConfig shipped = new ConfigLoader().parse(SHIPPED.toString(), text);
    // The one deliberate difference: the package's own rules directory.
    AgentConfig expected =
        new AgentConfig(
            null,
            null,
            new AgentConfig.Rules(true, List.of("/etc/dockward/rules.d")),
            null,
            null,
            null,
            null,
            null,
            null);
    assertEquals(expected, shipped);

    JsonNode tree = new ObjectMapper(new YAMLFactory()).readTree(text);
    List<String> missing = new ArrayList<>();
    collectMissing(AgentConfig.class, tree, "", missing);
    assertEquals(
        List.of(), missing, "keys the agent accepts that the shipped config does not show");
  }

  @Test
  void theCommentedKafkaTlsSaslExampleIsAValidConfig() throws Exception {
    List<String> lines = Files.readAllLines(SHIPPED);
    int start = lines.indexOf("    # properties:");
    assertTrue(start > 0, "the example starts with '# properties:'");
    List<String> example = new ArrayList<>();
    for (int i = start; i < lines.size() && lines.get(i).startsWith("    #"); i++) {
      example.add("    " + lines.get(i).substring("    # ".length()));
    }
    String yaml =
        "sinks:\n  kafka:\n    enabled: true\n    bootstrap_servers: kafka1.example:9093\n"
            + String.join("\n", example)
            + "\n";
    Map<String, String> properties =
        new ConfigLoader().parse("example", yaml).sinks().kafka().properties();
    assertEquals("SASL_SSL", properties.get("security.protocol"));
    assertEquals(
        "org.apache.kafka.common.config.provider.FileConfigProvider",
        properties.get("config.providers.file.class"));
    assertEquals(
        "${file:/etc/dockward/kafka-secrets.properties:keystore.password}",
        properties.get("ssl.keystore.password"));
  }

  /**
   * Record components as snake_case keys; the config's own sections are followed, values (maps of
   * Kafka properties, lists, sizes) are leaves.
   */
  private static void collectMissing(
      Class<?> type, JsonNode node, String prefix, List<String> missing) {
    for (RecordComponent c : type.getRecordComponents()) {
      String key = snake(c.getName());
      JsonNode child = node == null ? null : node.get(key);
      if (child == null) {
        missing.add(prefix + key);
      }
      if (c.getType().isRecord() && c.getType().getEnclosingClass() == AgentConfig.class) {
        collectMissing(c.getType(), child, prefix + key + ".", missing);
      }
    }
  }

  private static String snake(String camel) {
    return camel
        .chars()
        .mapToObj(
            ch ->
                Character.isUpperCase(ch)
                    ? "_" + Character.toLowerCase((char) ch)
                    : String.valueOf((char) ch))
        .collect(Collectors.joining());
  }
}
