package dev.dockward.posture;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The Docker Engine's own account of itself, for the daemon at the agent's configured address.
 *
 * @param version {@code /version} {@code Version}, e.g. {@code 20.10.24+dfsg1}
 * @param securityOptions {@code /info} {@code SecurityOptions}, e.g. {@code
 *     name=seccomp,profile=default}, {@code name=rootless}, {@code name=userns}
 */
public record EngineFacts(String version, List<String> securityOptions) {
  public EngineFacts {
    Objects.requireNonNull(version, "version");
    securityOptions = List.copyOf(securityOptions);
  }

  /** From the answers to {@code GET /version} and {@code GET /info}. */
  public static EngineFacts parse(JsonNode version, JsonNode info) {
    List<String> options = new ArrayList<>();
    info.path("SecurityOptions").forEach(o -> options.add(o.asText("")));
    return new EngineFacts(version.path("Version").asText(""), options);
  }

  /**
   * Whether a {@code name=X} security option is listed (seccomp, apparmor, selinux, userns,
   * rootless).
   */
  boolean has(String name) {
    return securityOptions.stream()
        .anyMatch(o -> o.equals("name=" + name) || o.startsWith("name=" + name + ","));
  }
}
