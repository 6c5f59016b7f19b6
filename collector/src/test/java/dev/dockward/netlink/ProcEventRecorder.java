package dev.dockward.netlink;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Records raw process-connector datagrams as fixture files: {@code NNNN-<kind>.bin}, one datagram
 * each, exactly as {@code recv} returned it. Run as root (see the README of the fixtures):
 *
 * <pre>
 * java -cp collector/target/classes:collector/target/test-classes:$JNA dev.dockward.netlink.ProcEventRecorder DIR SECONDS MAX
 * </pre>
 */
final class ProcEventRecorder {
  private ProcEventRecorder() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    long until = System.nanoTime() + Duration.ofSeconds(Long.parseLong(args[1])).toNanos();
    int max = Integer.parseInt(args[2]);
    Files.createDirectories(dir);
    ProcEventParser parser = new ProcEventParser();
    byte[] buffer = new byte[8192];
    int saved = 0;
    try (ProcConnectorSocket socket = ProcConnectorSocket.open(1 << 20, Duration.ofMillis(200))) {
      System.err.println("receive buffer " + socket.receiveBufferBytes());
      while (System.nanoTime() < until && saved < max) {
        int n = socket.receive(buffer);
        if (n <= 0) {
          continue;
        }
        List<ProcEvent> events = parser.parse(buffer, n);
        String kind =
            events.isEmpty() ? "none" : events.get(0).getClass().getSimpleName().toLowerCase();
        save(dir.resolve(String.format("%04d-%s.bin", saved++, kind)), Arrays.copyOf(buffer, n));
        System.out.println(n + " bytes: " + events);
      }
    }
  }

  private static void save(Path file, byte[] bytes) throws IOException {
    Files.write(file, bytes);
  }
}
