package dev.dockward.posture;

import java.util.List;

/**
 * What the operator decides for the audit.
 *
 * @param minDockerVersions the lowest acceptable Docker Engine version of each release line, e.g.
 *     {@code 25.0.6}; a line older than every listed one is outdated, a newer line passes. Empty:
 *     not checked
 * @param minKernelVersions the same for the kernel release ({@code 6.1.0})
 * @param registryAllowlist the registries images may come from ({@code docker.io}, {@code
 *     registry.example.com:5000}); empty: not checked
 */
public record PostureSettings(
    List<String> minDockerVersions,
    List<String> minKernelVersions,
    List<String> registryAllowlist) {
  /** The defaults of the agent's configuration. */
  public static final PostureSettings DEFAULT =
      new PostureSettings(List.of("25.0.0"), List.of("5.10.0"), List.of());

  public PostureSettings {
    minDockerVersions = List.copyOf(minDockerVersions);
    minKernelVersions = List.copyOf(minKernelVersions);
    registryAllowlist = List.copyOf(registryAllowlist);
  }
}
