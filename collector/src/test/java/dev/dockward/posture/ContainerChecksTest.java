package dev.dockward.posture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dockward.event.PostureFinding;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-container user, capabilities, root file system and image source, from edits of the recorded
 * inspect.
 */
class ContainerChecksTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path root;

  private int hosts;

  private HostTree host() {
    return new HostTree(root.resolve("host" + hosts++))
        .dockerd(
            14331,
            "recorded/system-dockerd.cmdline",
            "recorded/system-dockerd-fd.txt",
            "recorded/net-tcp",
            "recorded/net-tcp6")
        .file("/etc/group", Fixtures.text("recorded/group-excerpt"))
        .socket("/var/run/docker.sock", "rw-rw----");
  }

  /** The recorded inspect document with an edit applied. */
  private static AuditedContainer container(Consumer<ObjectNode> edit) throws IOException {
    ObjectNode doc =
        (ObjectNode) JSON.readTree(Fixtures.bytes("recorded/inspect-unconfined-published.json"));
    edit.accept(doc);
    return AuditedContainer.parse(doc);
  }

  private static Map<String, List<PostureFinding>> audit(
      HostTree host, AuditedContainer c, List<String> allowlist) {
    return new PostureAudit(
            host.hostFs(),
            () -> List.of(c),
            () -> PostureFactsReaderTest.ENGINE,
            new PostureSettings(List.of("25.0.0"), List.of("5.10.0"), allowlist))
        .run().stream()
            .filter(f -> f.container().isPresent())
            .collect(Collectors.groupingBy(PostureFinding::id));
  }

  private static Map<String, List<PostureFinding>> audit(AuditedContainer c, HostTree host) {
    return audit(host, c, List.of());
  }

  private static void image(ObjectNode doc, String image) {
    ((ObjectNode) doc.get("Config")).put("Image", image);
  }

  @Test
  void aDefaultContainerRunsAsRootWithAllCapabilitiesAndAWritableRoot() throws IOException {
    Map<String, List<PostureFinding>> found = audit(container(d -> {}), host());
    assertEquals(Optional.of("4.1"), found.get(ContainerChecks.RUNS_AS_ROOT).get(0).cis());
    assertEquals("", found.get(ContainerChecks.RUNS_AS_ROOT).get(0).evidence().get("user"));
    assertEquals(Optional.of("5.4"), found.get(ContainerChecks.CAPS_NOT_DROPPED).get(0).cis());
    assertEquals(Optional.of("5.13"), found.get(ContainerChecks.ROOTFS_WRITABLE).get(0).cis());
    assertFalse(found.containsKey(ContainerChecks.INSECURE_REGISTRY_IMAGE), "Docker Hub over TLS");
    assertFalse(
        found.containsKey(ContainerChecks.REGISTRY_NOT_ALLOWED), "no allowlist: not checked");
  }

  @Test
  void anUnprivilegedUserDroppedCapabilitiesAndAReadOnlyRootAreClean() throws IOException {
    Map<String, List<PostureFinding>> found =
        audit(
            container(
                d -> {
                  ((ObjectNode) d.get("Config")).put("User", "1000:1000");
                  ObjectNode hc = (ObjectNode) d.get("HostConfig");
                  hc.put("ReadonlyRootfs", true);
                  hc.putArray("CapDrop").add("ALL");
                }),
            host());
    for (String id :
        List.of(
            ContainerChecks.RUNS_AS_ROOT,
            ContainerChecks.CAPS_NOT_DROPPED,
            ContainerChecks.ROOTFS_WRITABLE)) {
      assertFalse(found.containsKey(id), id);
    }
  }

  @Test
  void rootByNameOrNumberWithOrWithoutAGroup() throws IOException {
    for (String user : List.of("0", "root", "0:0", "root:docker")) {
      assertTrue(
          audit(container(d -> ((ObjectNode) d.get("Config")).put("User", user)), host())
              .containsKey(ContainerChecks.RUNS_AS_ROOT),
          user);
    }
    assertFalse(
        audit(container(d -> ((ObjectNode) d.get("Config")).put("User", "nobody")), host())
            .containsKey(ContainerChecks.RUNS_AS_ROOT));
  }

  @Test
  void imagesFromRegistriesPulledWithoutVerifiedTls() throws IOException {
    PostureFinding loopback =
        audit(container(d -> image(d, "localhost:5000/app:1")), host())
            .get(ContainerChecks.INSECURE_REGISTRY_IMAGE)
            .get(0);
    assertEquals("localhost:5000", loopback.evidence().get("registry"));
    HostTree configured =
        host()
            .file(
                "/etc/docker/daemon.json",
                "{\"insecure-registries\": [\"reg7.test:5043\", \"10.0.0.0/8\"], \"registry-mirrors\": [\"http://mirror7.test\"]}");
    assertTrue(
        audit(container(d -> image(d, "reg7.test:5043/team/app:2")), configured)
            .containsKey(ContainerChecks.INSECURE_REGISTRY_IMAGE));
    assertTrue(
        audit(container(d -> image(d, "10.1.2.3:5000/app")), configured)
            .containsKey(ContainerChecks.INSECURE_REGISTRY_IMAGE),
        "in the CIDR block");
    assertTrue(
        String.valueOf(
                audit(container(d -> image(d, "busybox:1.36")), configured)
                    .get(ContainerChecks.INSECURE_REGISTRY_IMAGE)
                    .get(0)
                    .evidence()
                    .get("reason"))
            .contains("http://mirror7.test"),
        "Docker Hub pulls go through the plain-HTTP mirror");
    assertFalse(
        audit(container(d -> image(d, "ghcr.io/org/app:3")), configured)
            .containsKey(ContainerChecks.INSECURE_REGISTRY_IMAGE));
  }

  @Test
  void theAllowlistNamesTheRegistriesImagesMayComeFrom() throws IOException {
    List<String> allow = List.of("docker.io", "Registry.Example.com:5000");
    PostureFinding f =
        audit(host(), container(d -> image(d, "ghcr.io/org/app:3")), allow)
            .get(ContainerChecks.REGISTRY_NOT_ALLOWED)
            .get(0);
    assertEquals("ghcr.io", f.evidence().get("registry"));
    assertFalse(
        audit(host(), container(d -> {}), allow).containsKey(ContainerChecks.REGISTRY_NOT_ALLOWED),
        "dockward/busybox is on Docker Hub");
    assertFalse(
        audit(
                host(),
                container(d -> image(d, "registry.example.com:5000/x@sha256:" + "a".repeat(64))),
                allow)
            .containsKey(ContainerChecks.REGISTRY_NOT_ALLOWED));
  }
}
