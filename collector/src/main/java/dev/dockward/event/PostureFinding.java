package dev.dockward.event;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A weakness of the Docker host found by the posture audit.
 *
 * <p>Two findings are the same finding when their {@link #key()} is equal: the id, the subject (the
 * host or one container) and the instance (which socket, address or user). The audit reports a
 * finding when its key appears and again when it goes away; evidence may differ between audits
 * without making it a new finding.
 *
 * @param id the stable finding id, e.g. {@code docker_api_tcp_without_tls}
 * @param cis the CIS Docker Benchmark (v1.6.0) recommendation, e.g. {@code 2.7}, where one exists
 * @param severity how bad it is
 * @param summary one line for a human, naming the subject
 * @param evidence what was seen: strings, longs, booleans and lists of strings
 * @param remediation what to change, in our own words
 * @param container the container the finding is about; empty for the host
 * @param instance what distinguishes findings of one id on one subject (an address, a path, a
 *     user); may be empty
 */
public record PostureFinding(
    String id,
    Optional<String> cis,
    FindingSeverity severity,
    String summary,
    Map<String, Object> evidence,
    String remediation,
    Optional<ContainerInfo> container,
    String instance) {

  public PostureFinding {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(cis, "cis");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(summary, "summary");
    evidence = Collections.unmodifiableMap(new LinkedHashMap<>(evidence));
    Objects.requireNonNull(remediation, "remediation");
    Objects.requireNonNull(container, "container");
    Objects.requireNonNull(instance, "instance");
  }

  /** {@code host}, or {@code container} when the finding is about one container. */
  public String subject() {
    return container.isPresent() ? "container" : "host";
  }

  /** The identity of the finding across audits: id, subject and instance. */
  public String key() {
    return id + "|" + container.map(ContainerInfo::id).orElse("host") + "|" + instance;
  }

  /** The same finding about a (better known) container. */
  public PostureFinding withContainer(ContainerInfo c) {
    return new PostureFinding(
        id, cis, severity, summary, evidence, remediation, Optional.of(c), instance);
  }

  /**
   * The {@code finding} object of a {@code posture_finding} record; without the container, which is
   * the record's own.
   */
  public Map<String, Object> document() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    cis.ifPresent(c -> m.put("cis", c));
    m.put("severity", severity.text());
    m.put("subject", subject());
    if (!instance.isEmpty()) {
      m.put("instance", instance);
    }
    m.put("summary", summary);
    m.put("remediation", remediation);
    m.put("evidence", new LinkedHashMap<>(evidence));
    return m;
  }
}
