package dev.dockward.agent.ship;

import java.util.Locale;
import java.util.Map;

/**
 * The one-line human form of a record. Strings from containers may hold newlines or terminal escape
 * sequences: every control character is shown escaped, so a line stays one line and a hostile name
 * cannot drive the reader's terminal.
 */
public final class TextLine {
  private TextLine() {}

  public static String of(Map<String, Object> record) {
    StringBuilder b = new StringBuilder();
    b.append(record.getOrDefault("time", "")).append(' ');
    if ("alert".equals(record.get("kind"))) {
      b.append(String.valueOf(record.getOrDefault("severity", "")).toUpperCase(Locale.ROOT))
          .append(' ')
          .append(record.getOrDefault("rule", ""))
          .append(' ');
    } else {
      b.append("event ").append(record.getOrDefault("type", "")).append(' ');
    }
    if (record.get("container") instanceof Map<?, ?> c) {
      b.append("container=")
          .append(c.get("name"))
          .append(" image=")
          .append(c.get("image"))
          .append(' ');
    }
    if (record.get("process") instanceof Map<?, ?> p) {
      b.append("pid=").append(p.get("pid")).append(" proc=").append(p.get("name")).append(' ');
    }
    Object summary = record.get("summary");
    if (summary != null) {
      b.append("- ").append(summary);
    }
    return escapeControls(b.toString().strip());
  }

  /**
   * Every control character shown escaped ({@code \n}, {@code \x1b}…), so text stays one harmless
   * line.
   */
  public static String escapeControls(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\n') {
        b.append("\\n");
      } else if (c == '\t') {
        b.append("\\t");
      } else if (Character.isISOControl(c)) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
