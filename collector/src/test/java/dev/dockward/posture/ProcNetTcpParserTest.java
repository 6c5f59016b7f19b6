package dev.dockward.posture;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProcNetTcpParserTest {
  @Test
  void recordedTableHasTheTestDaemonsLoopbackListener() {
    ProcNetTcpParser.Result r = ProcNetTcpParser.listening(Fixtures.text("recorded/net-tcp"));
    assertEquals(
        List.of(
            new TcpListener("127.0.0.1", 23751, 162741), new TcpListener("0.0.0.0", 2024, 1061)),
        r.listeners());
    assertEquals(0, r.skipped());
  }

  @Test
  void recordedTcp6HasNoListenerOnlyTimeWait() {
    ProcNetTcpParser.Result r = ProcNetTcpParser.listening(Fixtures.text("recorded/net-tcp6"));
    assertEquals(List.of(), r.listeners());
    assertEquals(0, r.skipped());
  }

  @Test
  void ipv6AnyAndLoopbackListenersAndAGarbageLine() {
    ProcNetTcpParser.Result r =
        ProcNetTcpParser.listening(Fixtures.text("synthetic/net-tcp6-listen"));
    assertEquals(
        List.of(new TcpListener("::", 12415, 907711), new TcpListener("::1", 12416, 907712)),
        r.listeners());
    assertEquals(1, r.skipped());
    assertEquals("[::1]:12416", r.listeners().get(1).endpoint());
  }

  @Test
  void v4MappedAddressesReadAsV4() throws Exception {
    assertEquals("127.0.0.1", ProcNetTcpParser.address("0000000000000000FFFF00000100007F"));
    assertEquals("10.1.2.3", ProcNetTcpParser.address("0302010A"));
  }
}
