package dev.dockward.sockdiag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class UnixDiagParserTest {
  private static byte[] recorded() throws IOException {
    try (InputStream in = UnixDiagParserTest.class.getResourceAsStream("/sockdiag/unix-dump.bin")) {
      return in.readAllBytes();
    }
  }

  @Test
  void aRecordedDumpGivesTheDockerSocketsConnectionsWithTheirPeers() throws IOException {
    byte[] dump = recorded();
    List<UnixSocketEntry> out = new ArrayList<>();
    UnixDiagParser parser = new UnixDiagParser();
    assertTrue(parser.parse(dump, dump.length, out), "NLMSG_DONE ends the dump");
    assertEquals(6, out.size());
    List<UnixSocketEntry> connected =
        out.stream()
            .filter(
                s ->
                    s.path().equals("/var/run/docker.sock")
                        && s.state() == UnixSocketEntry.CONNECTED)
            .toList();
    // as ss -xp showed them at recording time
    assertEquals(
        List.of(
            new UnixSocketEntry(2103143, 1, "/var/run/docker.sock", 2103142),
            new UnixSocketEntry(2103151, 1, "/var/run/docker.sock", 2103150)),
        connected);
    assertTrue(
        out.stream()
            .anyMatch(
                s ->
                    s.path().equals("/var/run/docker.sock")
                        && s.state() == 10
                        && s.peerInode() == 0),
        "the listener");
    assertEquals(0, parser.malformed());
  }

  @Test
  void truncatedDatagramsAreCountedAndNeverThrow() throws IOException {
    byte[] dump = recorded();
    UnixDiagParser parser = new UnixDiagParser();
    for (int cut = 0; cut < dump.length; cut += 7) {
      List<UnixSocketEntry> out = new ArrayList<>();
      parser.parse(Arrays.copyOf(dump, cut), cut, out);
      assertTrue(out.size() <= 6);
    }
    assertTrue(parser.malformed() > 0);
  }

  @Test
  void anAttributeLongerThanItsMessageIsMalformed() throws IOException {
    byte[] dump = recorded();
    dump[32] = (byte) 0xff; // the first message's first attribute length, now past its end
    dump[33] = (byte) 0x7f;
    UnixDiagParser parser = new UnixDiagParser();
    List<UnixSocketEntry> out = new ArrayList<>();
    parser.parse(dump, dump.length, out);
    assertEquals(1, parser.malformed());
    assertEquals("", out.get(0).path(), "the socket is kept, its broken name left out");
  }

  @Test
  void theRequestAsksForEveryStateWithNamesAndPeers() {
    byte[] request = UnixSocketDiag.request(7);
    assertEquals(40, request.length);
    assertEquals(20, request[4]); // SOCK_DIAG_BY_FAMILY
    assertEquals(1, request[16]); // AF_UNIX
    assertEquals(5, request[28]); // UDIAG_SHOW_NAME | UDIAG_SHOW_PEER
  }

  @Test
  void aPollForConnectionsAsksOnlyForConnectedSockets() {
    byte[] every = UnixSocketDiag.request(7);
    byte[] connected = UnixSocketDiag.request(7, UnixSocketDiag.CONNECTED_ONLY);
    assertEquals(-1, every[20], "udiag_states: every bit");
    assertEquals(2, connected[20], "udiag_states: 1 << TCP_ESTABLISHED");
    assertEquals(0, connected[21]);
    assertEquals(5, connected[28]);
  }
}
