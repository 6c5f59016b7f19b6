package dev.dockward.host;

import dev.dockward.event.HostInfo;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Who this host is: its name (configurable) and id, the systemd machine id when there is one, else
 * a hash of the name, so ids stay stable across restarts.
 */
public final class HostIdentity {
  private HostIdentity() {}

  public static HostInfo detect(String configuredName, Path machineIdFile) {
    String name = configuredName.isBlank() ? hostname() : configuredName;
    String id;
    try {
      id =
          Files.readString(machineIdFile, StandardCharsets.US_ASCII)
              .strip()
              .toLowerCase(Locale.ROOT);
    } catch (IOException e) {
      id = "";
    }
    if (!id.matches("[0-9a-f]{16,64}")) {
      id = sha256(name).substring(0, 32);
    }
    return new HostInfo(name, id);
  }

  /** The short prefix of every record id of this host. */
  public static String idPrefix(HostInfo host) {
    return host.id().substring(0, 12);
  }

  private static String hostname() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
