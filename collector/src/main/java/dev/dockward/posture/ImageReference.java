package dev.dockward.posture;

import java.util.Locale;

/**
 * The registry part of an image reference as Docker resolves it: the first path component when it
 * has a dot or a port or is {@code localhost}, else Docker Hub ({@code docker.io}).
 */
final class ImageReference {
  static final String DOCKER_HUB = "docker.io";

  private ImageReference() {}

  static String registry(String image) {
    int slash = image.indexOf('/');
    if (slash < 0) {
      return DOCKER_HUB;
    }
    String first = image.substring(0, slash);
    if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
      String r = first.toLowerCase(Locale.ROOT);
      return r.equals("index.docker.io") || r.equals("registry-1.docker.io") ? DOCKER_HUB : r;
    }
    return DOCKER_HUB;
  }

  /** The registry's host without its port ({@code [::1]:5000} → {@code ::1}). */
  static String host(String registry) {
    if (registry.startsWith("[")) {
      int end = registry.indexOf(']');
      return end < 0 ? registry : registry.substring(1, end);
    }
    int colon = registry.lastIndexOf(':');
    return colon < 0 ? registry : registry.substring(0, colon);
  }
}
