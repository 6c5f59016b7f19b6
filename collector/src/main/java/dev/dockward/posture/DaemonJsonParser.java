package dev.dockward.posture;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code daemon.json} text → {@link DaemonSettings}. Strict as dockerd is: comments, trailing
 * garbage or a value of the wrong type are errors (an {@link IOException} whose message says
 * where), never skipped, because a setting that was skipped would be audited as Docker's default.
 */
final class DaemonJsonParser {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private DaemonJsonParser() {}

  static DaemonSettings parse(String text) throws IOException {
    JsonNode root = JSON.readTree(text);
    if (root == null || root.isMissingNode()) {
      return DaemonSettings.NONE; // an empty file: dockerd accepts it as no settings
    }
    if (!root.isObject()) {
      throw new IOException("the top level is not a JSON object");
    }
    return new DaemonSettings(
        strings(root, "hosts"),
        bool(root, "tls"),
        bool(root, "tlsverify"),
        bool(root, "icc"),
        strings(root, "insecure-registries"),
        string(root, "userns-remap"),
        bool(root, "live-restore"),
        bool(root, "no-new-privileges"),
        bool(root, "userland-proxy"),
        strings(root, "registry-mirrors"),
        string(root, "bridge"),
        Optional.empty(),
        string(root, "tlskey"),
        string(root, "seccomp-profile"),
        string(root, "log-driver"));
  }

  private static Optional<Boolean> bool(JsonNode root, String key) throws IOException {
    JsonNode n = root.get(key);
    if (n == null || n.isNull()) {
      return Optional.empty();
    }
    if (!n.isBoolean()) {
      throw new IOException("\"" + key + "\" must be true or false, not " + n);
    }
    return Optional.of(n.booleanValue());
  }

  private static Optional<String> string(JsonNode root, String key) throws IOException {
    JsonNode n = root.get(key);
    if (n == null || n.isNull()) {
      return Optional.empty();
    }
    if (!n.isTextual()) {
      throw new IOException("\"" + key + "\" must be a string, not " + n);
    }
    return Optional.of(n.textValue());
  }

  private static List<String> strings(JsonNode root, String key) throws IOException {
    JsonNode n = root.get(key);
    List<String> out = new ArrayList<>();
    if (n == null || n.isNull()) {
      return out;
    }
    if (!n.isArray()) {
      throw new IOException("\"" + key + "\" must be a list of strings, not " + n);
    }
    for (JsonNode e : n) {
      if (!e.isTextual()) {
        throw new IOException("\"" + key + "\" must be a list of strings, not " + n);
      }
      out.add(e.textValue());
    }
    return out;
  }
}
