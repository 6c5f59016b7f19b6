package dev.dockward.agent.ship.format;

import java.util.Optional;

/**
 * A container's image reference split into repository and tag: {@code registry:5000/app:1.2} →
 * {@code registry:5000/app} and {@code 1.2}. A reference by digest ({@code app@sha256:…}) or
 * without a tag has no tag (none is made up: Docker's implicit {@code latest} is not known to be
 * the one run).
 */
record ImageReference(String name, Optional<String> tag) {
  static ImageReference parse(String reference) {
    int at = reference.indexOf('@');
    String named = at < 0 ? reference : reference.substring(0, at);
    int colon = named.lastIndexOf(':');
    if (colon < 0 || named.indexOf('/', colon) >= 0) {
      return new ImageReference(
          named, Optional.empty()); // a colon before the last slash is a registry port
    }
    return new ImageReference(named.substring(0, colon), Optional.of(named.substring(colon + 1)));
  }
}
