package dev.dockward.agent.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes as people write them in config: {@code 4096B}, {@code 512KiB}, {@code 64MiB}, {@code 2GiB}.
 */
public final class Sizes {
  private static final Pattern FORM = Pattern.compile("(\\d+)\\s*(B|KiB|MiB|GiB|TiB)");

  private Sizes() {}

  public static boolean valid(String text) {
    try {
      return parse(text) > 0;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Bytes; throws {@link IllegalArgumentException} naming the text when it is not a size. */
  public static long parse(String text) {
    Matcher m = FORM.matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a size (write e.g. 512MiB, 2GiB)");
    }
    int shift =
        switch (m.group(2)) {
          case "B" -> 0;
          case "KiB" -> 10;
          case "MiB" -> 20;
          case "GiB" -> 30;
          default -> 40;
        };
    long n = Long.parseLong(m.group(1));
    if (n > (Long.MAX_VALUE >> shift)) {
      throw new IllegalArgumentException("'" + text + "' is too large");
    }
    return n << shift;
  }
}
