package dev.dockward.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IpAddressTest {
  @ParameterizedTest
  @CsvSource({
    "::, ::",
    "::1, ::1",
    "1::, 1::",
    "0:0:0:0:0:0:0:0, ::",
    "fe80:0:0:0:c4b9:76ff:fe70:d378, fe80::c4b9:76ff:fe70:d378",
    "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1", // one zero group stays
    "1:0:0:1:0:0:0:1, 1:0:0:1::1", // the longest run is compressed
    "1:0:0:1:1:0:0:1, 1::1:1:0:0:1", // of equal runs, the first
    "FD00:0:0:0:0:0:0:2, fd00::2",
  })
  void ipv6IsWrittenInTheCanonicalForm(String in, String canonical) {
    assertEquals(canonical, IpAddress.parse(in).orElseThrow().toString());
  }

  @Test
  void ipv4IsHeldMappedAndWrittenDotted() {
    IpAddress a = IpAddress.parse("172.17.0.2").orElseThrow();
    assertTrue(a.isV4());
    assertEquals("172.17.0.2", a.toString());
    assertEquals(a, IpAddress.v4(0xac110002));
    assertFalse(IpAddress.parse("::ffff:0:1").orElseThrow().equals(a));
  }

  @Test
  void onlyLiteralsAreParsedNeverNames() {
    assertEquals(Optional.empty(), IpAddress.parse(""));
    assertEquals(Optional.empty(), IpAddress.parse("localhost"));
    assertEquals(Optional.empty(), IpAddress.parse("db.example"));
    assertEquals(Optional.empty(), IpAddress.parse("300.1.1.1"));
    assertEquals(Optional.empty(), IpAddress.parse("1.2.3"));
    assertEquals(Optional.empty(), IpAddress.parse("fe80::zz"));
  }
}
