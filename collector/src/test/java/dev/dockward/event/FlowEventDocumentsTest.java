package dev.dockward.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class FlowEventDocumentsTest {
  private static final Instant T = Instant.parse("2026-11-23T07:10:00.123Z");
  private static final ContainerInfo WEB =
      new ContainerInfo(
          "a1".repeat(32),
          "web",
          "nginx:1.25",
          "sha256:x",
          Map.of(),
          false,
          List.of(),
          List.of(),
          List.of(),
          NamespaceModes.DEFAULT,
          List.of(),
          ResourceLimits.NONE,
          OptionalLong.empty(),
          Map.of(),
          Optional.empty(),
          List.of());

  @SuppressWarnings("unchecked")
  @Test
  void flowDocumentNamesBothEndsAndTheVerdict() {
    FlowObserved f =
        new FlowObserved(
            T,
            new FlowTraffic(
                "end",
                Optional.of("closed"),
                "docker0",
                "tcp",
                5,
                340,
                4,
                275,
                List.of("syn", "ack", "fin"),
                List.of("syn", "ack"),
                T.minusSeconds(2),
                T),
            new FlowPeer(
                FlowPeer.Kind.CONTAINER,
                "172.17.0.3",
                48440,
                "02:42:ac:11:00:03",
                Optional.of(WEB)),
            new FlowPeer(
                FlowPeer.Kind.HOST, "172.17.0.1", 2375, "02:42:7a:1b:2c:3d", Optional.empty()),
            new FlowAssessment("unchecked", "web>host tcp/2375", 10, 1, 1));
    Map<String, Object> doc =
        EventDocuments.of(
            f, new HostInfo("vm", "0123456789abcdef"), "0123456789ab-0000000000000001");
    assertEquals("flow", doc.get("type"));
    assertEquals("network", doc.get("source"));
    assertEquals("web", ((Map<String, Object>) doc.get("container")).get("name"));
    Map<String, Object> flow = (Map<String, Object>) doc.get("flow");
    assertEquals("closed", flow.get("end_reason"));
    assertEquals(275L, flow.get("bytes_in"));
    assertEquals("2026-11-23T07:09:58.123Z", flow.get("first_seen"));
    Map<String, Object> src = (Map<String, Object>) flow.get("src");
    assertEquals("web", src.get("name"));
    assertEquals("nginx:1.25", src.get("image"));
    assertEquals(48440L, src.get("port"));
    Map<String, Object> dst = (Map<String, Object>) flow.get("dst");
    assertEquals("host", dst.get("kind"));
    assertEquals("host", dst.get("name"));
    assertFalse(dst.containsKey("id"));
    assertEquals(
        Map.of("window_s", 10L, "distinct_ports", 1L, "distinct_hosts", 1L), flow.get("scan"));
  }

  @Test
  void aFlowBetweenTwoOutsidersBelongsToNoContainer() {
    FlowObserved f =
        new FlowObserved(
            T,
            new FlowTraffic(
                "start",
                Optional.empty(),
                "docker0",
                "icmpv6",
                1,
                86,
                0,
                0,
                List.of(),
                List.of(),
                T,
                T),
            new FlowPeer(FlowPeer.Kind.HOST, "fe80::1", -1, "02:42:7a:1b:2c:3d", Optional.empty()),
            new FlowPeer(
                FlowPeer.Kind.EXTERNAL, "ff02::16", -1, "33:33:00:00:00:16", Optional.empty()),
            new FlowAssessment("unchecked", "host>ff02::16 icmpv6", 10, 0, 1));
    Map<String, Object> doc =
        EventDocuments.of(
            f, new HostInfo("vm", "0123456789abcdef"), "0123456789ab-0000000000000002");
    assertFalse(doc.containsKey("container"));
    @SuppressWarnings("unchecked")
    Map<String, Object> src =
        (Map<String, Object>) ((Map<String, Object>) doc.get("flow")).get("src");
    assertFalse(src.containsKey("port"));
  }
}
