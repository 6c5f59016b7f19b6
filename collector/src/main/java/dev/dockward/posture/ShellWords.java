package dev.dockward.posture;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The few shell rules a {@code /etc/default/docker} or {@code /etc/environment} line uses: {@code
 * NAME=value}, {@code export NAME=value}, single or double quotes, {@code #} comments. Expansions
 * ({@code $X}) are left as written: the audit does not run the file.
 */
final class ShellWords {
  private ShellWords() {}

  /** The value the last assignment of {@code name} gives, unquoted; empty when none does. */
  static Optional<String> assignment(String text, String name) {
    Optional<String> out = Optional.empty();
    for (String raw : text.split("\n")) {
      String line = raw.strip();
      if (line.startsWith("export ")) {
        line = line.substring("export ".length()).strip();
      }
      if (line.startsWith(name + "=")) {
        List<String> words = split(line.substring(name.length() + 1));
        out = Optional.of(words.isEmpty() ? "" : words.get(0));
      }
    }
    return out;
  }

  /**
   * Splits on unquoted blanks, removing quotes; stops at an unquoted {@code #} that starts a word.
   */
  static List<String> split(String text) {
    List<String> out = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean inWord = false;
    char quote = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else {
          word.append(c);
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
        inWord = true;
      } else if (Character.isWhitespace(c)) {
        if (inWord) {
          out.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
      } else if (c == '#' && !inWord) {
        break;
      } else {
        word.append(c);
        inWord = true;
      }
    }
    if (inWord) {
      out.add(word.toString());
    }
    return out;
  }
}
