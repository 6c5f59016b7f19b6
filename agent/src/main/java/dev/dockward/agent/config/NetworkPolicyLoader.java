package dev.dockward.agent.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.dockward.agent.netpolicy.EdgePolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads the network policy file: the edges between containers that are expected, and what every
 * other edge is.
 *
 * <pre>
 * default: alert            # alert (edges not allowed below are unexpected) or allow
 * allow:
 *   - from: {name: web}                       # name or glob, image or glob, labels, network
 *     to: {name: db, network: backend}
 *     protocol: tcp                           # optional: tcp, udp, icmp …
 *     ports: [5432]                           # optional: destination ports
 *   - from: {labels: {tier: frontend}}
 *     to: {image: "redis:*"}
 * </pre>
 *
 * Unknown keys and bad values are errors naming the file and line, like the agent's config.
 */
public final class NetworkPolicyLoader {
  private final ObjectMapper yaml =
      new ObjectMapper(new YAMLFactory())
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .disable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY);

  /** The file's shape. */
  record PolicyFile(@JsonProperty("default") String defaultAction, List<AllowEntry> allow) {
    PolicyFile {
      defaultAction = Objects.requireNonNullElse(defaultAction, "alert");
      allow = Objects.requireNonNullElse(allow, List.of());
    }
  }

  record AllowEntry(SelectorEntry from, SelectorEntry to, String protocol, List<Integer> ports) {}

  record SelectorEntry(String name, String image, Map<String, String> labels, String network) {}

  public EdgePolicy load(Path file) throws ConfigException {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new ConfigException("network policy " + file + ": cannot read (" + e + ")", e);
    }
    return parse(file.toString(), text);
  }

  public EdgePolicy parse(String origin, String text) throws ConfigException {
    PolicyFile file;
    try {
      file = text.isBlank() ? null : yaml.readValue(text, PolicyFile.class);
      if (file == null) {
        file = new PolicyFile(null, null);
      }
    } catch (JsonProcessingException e) {
      throw new ConfigException(where(origin, e.getLocation()) + e.getOriginalMessage(), e);
    }
    EdgePolicy.Action action =
        switch (file.defaultAction().toLowerCase(Locale.ROOT)) {
          case "alert" -> EdgePolicy.Action.ALERT;
          case "allow" -> EdgePolicy.Action.ALLOW;
          default ->
              throw new ConfigException(
                  origin + ": default: must be alert or allow, not '" + file.defaultAction() + "'");
        };
    List<EdgePolicy.Allow> allow = new ArrayList<>();
    for (int i = 0; i < file.allow().size(); i++) {
      AllowEntry a = file.allow().get(i);
      if (a == null) {
        throw new ConfigException(origin + ": allow[" + i + "]: empty entry");
      }
      List<Integer> ports = Objects.requireNonNullElse(a.ports(), List.of());
      for (Integer p : ports) {
        if (p == null || p < 0 || p > 65_535) {
          throw new ConfigException(origin + ": allow[" + i + "].ports: " + p + " is not a port");
        }
      }
      allow.add(
          new EdgePolicy.Allow(
              selector(a.from()),
              selector(a.to()),
              Optional.ofNullable(a.protocol()).filter(p -> !p.isBlank()),
              ports));
    }
    return new EdgePolicy(action, allow);
  }

  private static EdgePolicy.Selector selector(SelectorEntry s) {
    if (s == null) {
      return EdgePolicy.Selector.ANY;
    }
    return new EdgePolicy.Selector(
        Optional.ofNullable(s.name()),
        Optional.ofNullable(s.image()),
        Objects.requireNonNullElse(s.labels(), Map.of()),
        Optional.ofNullable(s.network()));
  }

  private static String where(String origin, JsonLocation at) {
    return at == null || at.getLineNr() < 1 ? origin + ": " : origin + ":" + at.getLineNr() + ": ";
  }
}
