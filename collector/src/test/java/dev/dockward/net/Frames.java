package dev.dockward.net;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
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

  /**
   * An Ethernet + IPv4 frame with a TCP (20-byte header) or UDP header and no payload; checksums
   * are left zero (the parser does not check them).
   */
  static byte[] ipv4(
      long srcMac,
      long dstMac,
      String src,
      String dst,
      int protocol,
      int srcPort,
      int dstPort,
      int tcpFlags) {
    int l4 = protocol == FrameFacts.TCP ? 20 : 8;
    ByteBuffer b = ByteBuffer.allocate(14 + 20 + l4);
    putMac(b, dstMac);
    putMac(b, srcMac);
    b.putShort((short) 0x0800);
    b.put((byte) 0x45)
        .put((byte) 0)
        .putShort((short) (20 + l4))
        .putShort((short) 0)
        .putShort((short) 0x4000)
        .put((byte) 64)
        .put((byte) protocol)
        .putShort((short) 0);
    b.put(v4(src)).put(v4(dst));
    b.putShort((short) srcPort).putShort((short) dstPort);
    if (protocol == FrameFacts.TCP) {
      b.putInt(1)
          .putInt(0)
          .put((byte) 0x50)
          .put((byte) tcpFlags)
          .putShort((short) 64240)
          .putShort((short) 0)
          .putShort((short) 0);
    } else {
      b.putShort((short) 8).putShort((short) 0);
    }
    return b.array();
  }

  private static void putMac(ByteBuffer b, long mac) {
    for (int i = 5; i >= 0; i--) {
      b.put((byte) (mac >>> (8 * i)));
    }
  }

  private static byte[] v4(String dotted) {
    String[] parts = dotted.split("\\.");
    byte[] out = new byte[4];
    for (int i = 0; i < 4; i++) {
      out[i] = (byte) Integer.parseInt(parts[i]);
    }
    return out;
  }

  static byte[] hex(String text) {
    return HexFormat.of().parseHex(text.replace(" ", ""));
  }
}
