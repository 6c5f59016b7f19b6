package dev.dockward.agent.ship;

import java.util.Locale;

/** How a text sink writes records: the JSON record itself, or a short line for a person. */
public enum OutputFormat {
  JSONL,
  TEXT;

  public static OutputFormat parse(String s) {
    switch (s.toLowerCase(Locale.ROOT)) {
      case "jsonl":
      case "json":
        return JSONL;
      case "text":
        return TEXT;
      default:
        throw new IllegalArgumentException("format must be jsonl or text, not '" + s + "'");
    }
  }
}
