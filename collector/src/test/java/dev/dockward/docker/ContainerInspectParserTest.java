package dev.dockward.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dockward.event.ContainerInfo;
import dev.dockward.event.DeviceMapping;
import dev.dockward.event.MountInfo;
import dev.dockward.event.PortBinding;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ContainerInspectParserTest {
  static JsonNode fixture(String name) throws IOException {
    try (InputStream in = ContainerInspectParserTest.class.getResourceAsStream("/docker/" + name)) {
      return new ObjectMapper().readTree(in);
    }
  }

  @Test
  void recordedEscapeeInspectGivesCapsMountsAndHostPidMode() throws IOException {
    ContainerInfo c = ContainerInspectParser.parse(fixture("inspect-escapee.json"));

    assertEquals("d29228aa6eb3293fa6623e4e93d90ac298186c99117088ba6c28ae4c7285ed59", c.id());
    assertEquals("dw-escapee", c.name());
    assertEquals("dockward/busybox:test", c.image());
    assertTrue(c.imageId().startsWith("sha256:c3b99193"));
    assertEquals(List.of("SYS_ADMIN"), c.capAdd());
    assertEquals(List.of(), c.capDrop());
    assertEquals(
        List.of(new MountInfo("bind", "/var/run/docker.sock", "/var/run/docker.sock", true)),
        c.mounts());
    assertEquals("host", c.namespaces().pid());
    assertEquals("default", c.namespaces().network());
    assertEquals("private", c.namespaces().ipc());
    assertFalse(c.privileged());
    assertEquals(5333L, c.initPid().getAsLong());
    assertEquals("172.17.0.2", c.networks().get("bridge").ipAddress());
    assertEquals("1", c.labels().get("dockward.test"));
    assertTrue(c.startedAt().isPresent());
    assertTrue(c.limits().memoryBytes().isEmpty(), "Memory 0 means unlimited, not a limit of 0");
    assertTrue(c.limits().pids().isEmpty(), "PidsLimit null means unlimited");
  }

  @Test
  void privilegedFixtureGivesPrivilegedAndLimits() throws IOException {
    ContainerInfo c = ContainerInspectParser.parse(fixture("inspect-privileged-synthetic.json"));

    assertTrue(c.privileged());
    assertEquals("dw-privileged", c.name());
    assertEquals(List.of(), c.capAdd());
    assertEquals(123456789L, c.limits().memoryBytes().getAsLong());
    assertEquals(1027L, c.limits().pids().getAsLong());
  }

  @Test
  void plainContainerSharesNothing() throws IOException {
    ContainerInfo c = ContainerInspectParser.parse(fixture("inspect-plain.json"));

    assertEquals("dw-plain", c.name());
    assertFalse(c.privileged());
    assertEquals(List.of(), c.capAdd());
    assertEquals(List.of(), c.mounts());
    assertEquals("", c.namespaces().pid());
    assertEquals(List.of(), c.ports());
  }

  @Test
  void publishedPortsKeepTheirHostAddress() throws IOException {
    JsonNode inspect;
    try (InputStream in =
        getClass().getResourceAsStream("/posture/recorded/inspect-unconfined-published.json")) {
      inspect = new ObjectMapper().readTree(in);
    }
    ContainerInfo c = ContainerInspectParser.parse(inspect);
    assertEquals(
        List.of(
            new PortBinding("80/tcp", "", "18080"),
            new PortBinding("81/tcp", "127.0.0.1", "18081")),
        c.ports());
    assertTrue(c.ports().get(0).allInterfaces());
    assertFalse(c.ports().get(1).allInterfaces());
    assertEquals(List.of("seccomp=unconfined"), c.securityOpt());
  }

  @Test
  void hostDevicesGivenWithDeviceAreRead() throws IOException {
    ContainerInfo c = ContainerInspectParser.parse(fixture("inspect-device.json"));
    assertEquals(List.of(new DeviceMapping("/dev/loop1", "/dev/xdisk", "r")), c.devices());
    assertEquals(
        List.of(),
        ContainerInspectParser.parse(fixture("inspect-plain.json")).devices()); // "Devices":[]
  }

  @Test
  void capabilitySpellingsAreNormalised() {
    assertEquals("SYS_ADMIN", ContainerInspectParser.normaliseCapability("CAP_SYS_ADMIN"));
    assertEquals("SYS_ADMIN", ContainerInspectParser.normaliseCapability("cap_sys_admin"));
    assertEquals("NET_ADMIN", ContainerInspectParser.normaliseCapability(" net_admin "));
    assertEquals("ALL", ContainerInspectParser.normaliseCapability("ALL"));
  }

  @Test
  void emptyObjectGivesAnEmptyContainerInsteadOfFailing() {
    ContainerInfo c = ContainerInspectParser.parse(new ObjectMapper().createObjectNode());
    assertEquals("", c.id());
    assertTrue(c.initPid().isEmpty());
  }

  @Test
  void oomKilledIsTheStatesFlagAndAbsentWhenTheInspectDoesNotSayIt() throws IOException {
    assertEquals(
        Optional.of(false), ContainerInspectParser.oomKilled(fixture("inspect-plain.json")));
    ObjectMapper json = new ObjectMapper();
    assertEquals(
        Optional.of(true),
        ContainerInspectParser.oomKilled(
            json.readTree(
                "{\"State\":{\"Status\":\"exited\",\"OOMKilled\":true,\"ExitCode\":137}}")));
    assertEquals(
        Optional.empty(), ContainerInspectParser.oomKilled(json.readTree("{\"State\":{}}")));
    assertEquals(
        Optional.empty(),
        ContainerInspectParser.oomKilled(json.readTree("{\"message\":\"No such container\"}")));
  }
}
