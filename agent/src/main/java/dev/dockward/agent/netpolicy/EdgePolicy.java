package dev.dockward.agent.netpolicy;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Which flows between two containers are expected: a list of allowed edges and a default action for
 * the rest. Only flows whose both ends are containers are judged.
 *
 * @param defaultAction what an edge no rule allows is: {@code ALLOW} (everything is expected unless
 *     learning says otherwise) or {@code ALERT} (unexpected)
 * @param allow the allowed edges
 */
public record EdgePolicy(Action defaultAction, List<Allow> allow) {
  /** No policy file: nothing is judged ({@code unchecked}) unless learning is on. */
  public static final EdgePolicy NONE = new EdgePolicy(Action.ALLOW, List.of());

  /** The default for edges no rule allows. */
  public enum Action {
    ALLOW,
    ALERT
  }

  public EdgePolicy {
    Objects.requireNonNull(defaultAction, "defaultAction");
    allow = List.copyOf(allow);
  }

  /**
   * One allowed edge. Every selector field given must match; an empty selector matches every
   * container.
   *
   * @param protocol {@code tcp}, {@code udp}, {@code icmp} …, or empty for any
   * @param ports destination ports; empty for any
   */
  public record Allow(Selector from, Selector to, Optional<String> protocol, List<Integer> ports) {
    public Allow {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
      protocol = protocol.map(p -> p.toLowerCase(Locale.ROOT));
      ports = List.copyOf(ports);
    }

    boolean matches(PolicyPeer src, PolicyPeer dst, String proto, int port) {
      return from.matches(src)
          && to.matches(dst)
          && protocol.map(p -> p.equals(proto)).orElse(true)
          && (ports.isEmpty() || ports.contains(port));
    }
  }

  /**
   * Picks containers.
   *
   * @param name a container name or a glob ({@code web-*})
   * @param image an image as the container was created from, or a glob ({@code nginx:*})
   * @param labels labels the container must carry with these values
   * @param network the name of a network the container is attached to
   */
  public record Selector(
      Optional<String> name,
      Optional<String> image,
      Map<String, String> labels,
      Optional<String> network) {
    public static final Selector ANY =
        new Selector(Optional.empty(), Optional.empty(), Map.of(), Optional.empty());

    public Selector {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(image, "image");
      labels = Map.copyOf(labels);
      Objects.requireNonNull(network, "network");
    }

    boolean matches(PolicyPeer c) {
      return name.map(n -> glob(n, c.name())).orElse(true)
          && image.map(i -> glob(i, c.image())).orElse(true)
          && labels.entrySet().stream()
              .allMatch(e -> e.getValue().equals(c.labels().get(e.getKey())))
          && network.map(n -> c.networks().contains(n)).orElse(true);
    }

    private static boolean glob(String pattern, String value) {
      if (pattern.indexOf('*') < 0) {
        return pattern.equals(value);
      }
      String regex =
          Arrays.stream(pattern.split("\\*", -1))
              .map(Pattern::quote)
              .collect(Collectors.joining(".*"));
      return value.matches(regex);
    }
  }

  /** Whether an allow rule covers this edge. */
  boolean allows(PolicyPeer src, PolicyPeer dst, String protocol, int port) {
    return allow.stream().anyMatch(a -> a.matches(src, dst, protocol, port));
  }
}
