package dev.dockward.net;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Hex frame fixtures (one frame a line) and helpers to build synthetic frames. */
final class Frames {
  private Frames() {}

  static List<byte[]> load(String resource) throws IOException {
    try (InputStream in = Frames.class.getResourceAsStream("/net/" + resource)) {
      if (in == null) {
        throw new IOException("no fixture " + resource);
      }
      List<byte[]> frames = new ArrayList<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
        if (!line.isBlank()) {
          frames.add(HexFormat.of().parseHex(line.trim()));
        }
      }
      return frames;
    }
  }

  static byte[] hex(String text) {
    return HexFormat.of().parseHex(text.replace(" ", ""));
  }
}
