package dev.dockward.audit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a recorded fixture under {@code src/test/resources/audit}: one "type text" line per
 * message.
 */
final class AuditRecords {
  private AuditRecords() {}

  static List<AuditRecord> load(String name) {
    List<AuditRecord> out = new ArrayList<>();
    for (String line : lines(name)) {
      int space = line.indexOf(' ');
      int type = Integer.parseInt(line.substring(0, space));
      out.add(
          AuditRecordParser.parse(type, line.substring(space + 1))
              .orElseThrow(() -> new AssertionError("unparsable fixture line: " + line)));
    }
    return out;
  }

  static List<String> lines(String name) {
    try (InputStream in = AuditRecords.class.getResourceAsStream("/audit/" + name)) {
      if (in == null) {
        throw new AssertionError("no fixture " + name);
      }
      // ISO-8859-1, as the source decodes a datagram: the kernel writes ASCII only.
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1)
          .lines()
          .filter(l -> !l.isBlank())
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
