package dev.dockward.posture;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code /proc/net/tcp} and {@code /proc/net/tcp6} text → the sockets in LISTEN state ({@code st}
 * {@code 0A}). The kernel prints each address as 32-bit words in host (little-endian) byte order;
 * lines that do not parse are skipped and counted by the caller through {@link Result#skipped()}.
 */
final class ProcNetTcpParser {
  private static final String LISTEN = "0A";
  private static final String ESTABLISHED = "01";

  private ProcNetTcpParser() {}

  /** The listening sockets, and how many lines were not understood. */
  record Result(List<TcpListener> listeners, int skipped) {
    Result {
      listeners = List.copyOf(listeners);
    }
  }

  static Result listening(String text) {
    List<TcpListener> out = new ArrayList<>();
    int skipped = 0;
    String[] lines = text.split("\n");
    for (int i = 1; i < lines.length; i++) { // the first line is the header
      String line = lines[i].strip();
      if (line.isEmpty()) {
        continue;
      }
      String[] f = line.split("\\s+");
      try {
        if (!LISTEN.equals(f[3])) {
          continue;
        }
        int colon = f[1].indexOf(':');
        String address = address(f[1].substring(0, colon));
        int port = Integer.parseInt(f[1].substring(colon + 1), 16);
        out.add(new TcpListener(address, port, Long.parseLong(f[9])));
      } catch (RuntimeException | UnknownHostException e) {
        skipped++;
      }
    }
    return new Result(out, skipped);
  }

  /**
   * The sockets in ESTABLISHED state ({@code st} {@code 01}); lines that do not parse are left out.
   */
  static List<TcpConnection> established(String text) {
    List<TcpConnection> out = new ArrayList<>();
    String[] lines = text.split("\n");
    for (int i = 1; i < lines.length; i++) {
      String[] f = lines[i].strip().split("\\s+");
      try {
        if (f.length < 10 || !ESTABLISHED.equals(f[3])) {
          continue;
        }
        int localColon = f[1].indexOf(':');
        int remoteColon = f[2].indexOf(':');
        out.add(
            new TcpConnection(
                address(f[1].substring(0, localColon)),
                Integer.parseInt(f[1].substring(localColon + 1), 16),
                address(f[2].substring(0, remoteColon)),
                Integer.parseInt(f[2].substring(remoteColon + 1), 16),
                Long.parseLong(f[9])));
      } catch (RuntimeException | UnknownHostException e) {
        // not a socket line: the caller gets what parsed
      }
    }
    return out;
  }

  /** 8 or 32 hex digits, each 32-bit word little-endian → the address as text. */
  static String address(String hex) throws UnknownHostException {
    if (hex.length() != 8 && hex.length() != 32) {
      throw new UnknownHostException("address of " + hex.length() + " hex digits");
    }
    byte[] bytes = new byte[hex.length() / 2];
    for (int word = 0; word < bytes.length / 4; word++) {
      for (int b = 0; b < 4; b++) {
        int at = word * 8 + (3 - b) * 2;
        bytes[word * 4 + b] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
      }
    }
    // getByAddress turns a v4-mapped v6 address into the v4 address, as a user would write it.
    String text = InetAddress.getByAddress(bytes).getHostAddress();
    return text.equals("0:0:0:0:0:0:0:0") ? "::" : text.equals("0:0:0:0:0:0:0:1") ? "::1" : text;
  }
}
