package dev.dockward.audit;

import dev.dockward.proc.ProcText;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Pure text to record: the stamp of an audit record, its {@code key=value} fields, and the kernel's
 * encoding of untrusted strings. The kernel writes a string it does not trust (a path, an argument,
 * a command name) in double quotes when every byte is printable ASCII other than space and {@code
 * "}, and otherwise as uppercase hex without quotes; {@code (null)} stands for none. Thread-safe
 * (stateless).
 */
final class AuditRecordParser {
  private static final String STAMP = "audit(";

  private AuditRecordParser() {}

  /** The record in a message's text, or empty when the text has no {@code audit(…)} stamp. */
  static Optional<AuditRecord> parse(int type, String text) {
    int start = text.indexOf(STAMP);
    if (start < 0) {
      return Optional.empty();
    }
    int dot = text.indexOf('.', start);
    int colon = text.indexOf(':', start);
    int close = text.indexOf(')', start);
    if (dot < 0 || colon < dot || close < colon) {
      return Optional.empty();
    }
    try {
      long seconds = Long.parseLong(text, start + STAMP.length(), dot, 10);
      long millis = Long.parseLong(text, dot + 1, colon, 10);
      long serial = Long.parseLong(text, colon + 1, close, 10);
      int body = close + 1;
      if (body < text.length() && text.charAt(body) == ':') {
        body++;
      }
      return Optional.of(
          new AuditRecord(type, seconds * 1000 + millis, serial, text.substring(body).strip()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * The fields of a record body in their order, values as written (quotes kept, so that {@link
   * #untrusted} can tell a quoted string from hex). A value in double or single quotes runs to its
   * closing quote; a later field of the same name replaces an earlier one.
   */
  static Map<String, String> fields(String body) {
    Map<String, String> out = new LinkedHashMap<>();
    int i = 0;
    int n = body.length();
    while (i < n) {
      while (i < n && body.charAt(i) == ' ') {
        i++;
      }
      int eq = body.indexOf('=', i);
      if (eq < 0) {
        break;
      }
      int space = body.indexOf(' ', i);
      if (space >= 0 && space < eq) {
        i = space + 1; // a word without a value
        continue;
      }
      String key = body.substring(i, eq);
      int v = eq + 1;
      int end;
      if (v < n && (body.charAt(v) == '"' || body.charAt(v) == '\'')) {
        int q = body.indexOf(body.charAt(v), v + 1);
        end = q < 0 ? n : q + 1;
      } else {
        int s = body.indexOf(' ', v);
        end = s < 0 ? n : s;
      }
      out.put(key, body.substring(v, end));
      i = end;
    }
    return out;
  }

  /**
   * An untrusted string as text: quoted, hex (bytes that are not UTF-8 kept as {@code \xNN}), or ""
   * for {@code (null)}.
   */
  static String untrusted(String raw) {
    return ProcText.decode(untrustedBytes(raw));
  }

  /**
   * The bytes of an untrusted string; a value that is neither quoted nor valid hex is taken as it
   * is.
   */
  static byte[] untrustedBytes(String raw) {
    if (raw.length() >= 2 && raw.charAt(0) == '"' && raw.charAt(raw.length() - 1) == '"') {
      return raw.substring(1, raw.length() - 1).getBytes(StandardCharsets.UTF_8);
    }
    if (raw.equals("(null)") || raw.equals("(none)")) {
      return new byte[0];
    }
    Optional<byte[]> hex = hex(raw);
    return hex.orElseGet(() -> raw.getBytes(StandardCharsets.UTF_8));
  }

  /** Hex digits to bytes; empty when {@code s} is not an even run of hex digits. */
  static Optional<byte[]> hex(String s) {
    if (s.length() % 2 != 0) {
      return Optional.empty();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length() / 2);
    for (int i = 0; i < s.length(); i += 2) {
      int hi = Character.digit(s.charAt(i), 16);
      int lo = Character.digit(s.charAt(i + 1), 16);
      if (hi < 0 || lo < 0) {
        return Optional.empty();
      }
      out.write(hi << 4 | lo);
    }
    return Optional.of(out.toByteArray());
  }
}
