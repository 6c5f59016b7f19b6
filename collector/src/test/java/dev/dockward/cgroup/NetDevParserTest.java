package dev.dockward.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockward.event.ResourceCounters;
import java.nio.file.Files;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class NetDevParserTest {
  private static final String HEADER =
      "Inter-|   Receive                                                |  Transmit\n"
          + " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls"
          + " carrier compressed\n";

  @Test
  void recordedContainerCountsEth0AndNotLoopback() throws Exception {
    String text = Files.readString(CgroupV1ReaderTest.recorded().resolve("proc/20623/net/dev"));
    ResourceCounters.Net net = NetDevParser.parse(text).orElseThrow();
    assertEquals(OptionalLong.of(200), net.rxBytes());
    assertEquals(OptionalLong.of(2), net.rxPackets());
    assertEquals(OptionalLong.of(0), net.txBytes());
    assertEquals(OptionalLong.of(0), net.txPackets());
  }

  @Test
  void sumsEveryInterfaceButLoopbackEvenWithoutABlankAfterTheColon() {
    String text =
        HEADER
            + "    lo: 999 9 0 0 0 0 0 0 999 9 0 0 0 0 0 0\n"
            + "  eth0: 1000 10 0 0 0 0 0 0 5000 50 0 0 0 0 0 0\n"
            + "eth1:12345678901 20 0 0 0 0 0 0 7 1 0 0 0 0 0 0\n";
    ResourceCounters.Net net = NetDevParser.parse(text).orElseThrow();
    assertEquals(OptionalLong.of(12_345_679_901L), net.rxBytes());
    assertEquals(OptionalLong.of(30), net.rxPackets());
    assertEquals(OptionalLong.of(5007), net.txBytes());
    assertEquals(OptionalLong.of(51), net.txPackets());
  }

  @Test
  void onlyLoopbackIsZeroTraffic() {
    ResourceCounters.Net net =
        NetDevParser.parse(HEADER + "    lo: 9 9 0 0 0 0 0 0 9 9 0 0 0 0 0 0\n").orElseThrow();
    assertEquals(OptionalLong.of(0), net.txPackets());
  }

  @Test
  void garbageIsRejectedNotGuessed() {
    for (String bad :
        new String[] {
          "",
          "garbage\n",
          HEADER + "  eth0: 1 2 3\n",
          HEADER + "  eth0 1000 10\n",
          HEADER + "  eth0: x 10 0 0 0 0 0 0 5000 50 0 0 0 0 0 0\n",
          HEADER + "  eth0: -1 10 0 0 0 0 0 0 5000 50 0 0 0 0 0 0\n"
        }) {
      assertTrue(NetDevParser.parse(bad).isEmpty(), bad);
    }
  }
}
