package dev.dockward.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ContainerIdResolverTest {
  // The SHA-256 of "dockward-<name>", as the synthetic fixtures' README says.
  private static final String SYSTEMD =
      "b8a204949dd651a0576758a87af168820de09a158b5d73f127b569238cd88fc3";
  private static final String CGROUPFS =
      "655049bf2bac6e8916abdb9740c867b6807fcb48d77f087b4483554cb81e8ed4";
  private static final String KUBEPODS =
      "976c679458fbac896f6cd8362c4f91b13bad797f4853ff9c6a62ccecddeeed36";
  private static final String KUBEPODS_DOCKER =
      "1f5d37b0bd47f91ac76537be0f1f3588489928adac1e8deffcfaf9e6c9974c6b";
  private static final String CONTAINERD =
      "b91330b813267ae422ac97ae0b3c3856a66992e31621d4cfe7155a76993662ee";
  private static final String CRIO =
      "71e904184c9dae299e2df1e4633494cd1bd9575b16f11006408722fc7c8cfa19";
  private static final String OUTER =
      "d34bfb264fb7fe6546e0fefce87d766aa7339f8406662d2b5e1259bfad221b12";
  private static final String INNER =
      "11d4b378f6e714ebea208f1b47dfeda02c6747c0231d75f6e2afef97a00eee23";
  private static final String RECORDED =
      "d9dfbfe6ba5963c0c7c886ae6687c4623b748d72e2b3c5b1112c15f4636eeb49";

  private static Optional<String> idOf(String path) {
    return ContainerIdResolver.containerId(path);
  }

  @Test
  void systemdDriverScopeNamesTheContainer() {
    assertEquals(Optional.of(SYSTEMD), idOf(CgroupFixtures.v2Path("systemd-driver-docker.cgroup")));
  }

  @Test
  void cgroupfsDriverDirectoryNamesTheContainer() {
    assertEquals(
        Optional.of(CGROUPFS), idOf(CgroupFixtures.v2Path("cgroupfs-driver-docker.cgroup")));
  }

  @Test
  void kubernetesCriContainerdScopeNamesTheContainer() {
    assertEquals(
        Optional.of(KUBEPODS), idOf(CgroupFixtures.v2Path("kubepods-cri-containerd.cgroup")));
  }

  @Test
  void kubernetesSystemdDockerScopeNamesTheContainer() {
    assertEquals(
        Optional.of(KUBEPODS_DOCKER),
        idOf(CgroupFixtures.v2Path("kubepods-systemd-docker.cgroup")));
  }

  @Test
  void kubernetesCgroupfsPodDirectoryNamesTheContainer() {
    assertEquals(
        Optional.of(KUBEPODS),
        idOf("/kubepods/burstable/pod6b1f2c1e-0a5d-4c07-9a3e-2f1d3c4b5a69/" + KUBEPODS));
  }

  @Test
  void containerdIdUnderItsNamespaceNamesTheContainer() {
    assertEquals(
        Optional.of(CONTAINERD),
        idOf(CgroupFixtures.v2Path("containerd-default-namespace.cgroup")));
    assertEquals(
        Optional.of(CONTAINERD), idOf("/system.slice/containerd.service/containerd/" + CONTAINERD));
  }

  @Test
  void crioScopeNamesTheContainer() {
    assertEquals(Optional.of(CRIO), idOf(CgroupFixtures.v2Path("crio.cgroup")));
  }

  @Test
  void nestedContainerResolvesToTheInnermostId() {
    assertEquals(Optional.of(INNER), idOf(CgroupFixtures.v2Path("nested-docker-in-docker.cgroup")));
    assertEquals(
        Optional.of(INNER), idOf("/system.slice/docker-" + OUTER + ".scope/docker/" + INNER));
  }

  @Test
  void subgroupInsideAContainerStillNamesTheContainer() {
    assertEquals(
        Optional.of(SYSTEMD), idOf("/system.slice/docker-" + SYSTEMD + ".scope/init.scope"));
    assertEquals(Optional.of(CGROUPFS), idOf("/docker/" + CGROUPFS + "/app"));
  }

  @Test
  void hostPathsNameNoContainer() {
    assertEquals(Optional.empty(), idOf(CgroupFixtures.v2Path("host-user-session.cgroup")));
    assertEquals(Optional.empty(), idOf(CgroupFixtures.v2Path("host-init-scope.cgroup")));
    assertEquals(Optional.empty(), idOf("/"));
    assertEquals(Optional.empty(), idOf(""));
    assertEquals(Optional.empty(), idOf("/system.slice/docker.service"));
    assertEquals(Optional.empty(), idOf("/process_api/08880ba5d9fbbfd6da8344a125bf3194"));
  }

  @Test
  void idsThatAreNotExactly64LowercaseHexAreRejected() {
    assertEquals(Optional.empty(), idOf("/docker/" + CGROUPFS.substring(1)), "63 chars");
    assertEquals(Optional.empty(), idOf("/docker/" + CGROUPFS + "0"), "65 chars");
    assertEquals(Optional.empty(), idOf("/docker/" + CGROUPFS.toUpperCase()), "upper case");
    assertEquals(Optional.empty(), idOf("/docker/" + CGROUPFS.substring(1) + "g"), "not hex");
    assertEquals(
        Optional.empty(),
        idOf("/system.slice/docker-" + SYSTEMD + "0.scope"),
        "65 chars in a scope");
    assertEquals(
        Optional.empty(), idOf("/system.slice/docker-" + SYSTEMD + ".service"), "not a scope");
  }

  @Test
  void bareIdUnderAnUnknownParentIsNotTakenForAContainer() {
    assertEquals(Optional.empty(), idOf("/user.slice/" + CGROUPFS));
  }

  @Test
  void recordedV1HybridContainerFileHasItsContainerLineChosen() {
    List<CgroupLine> lines =
        ProcCgroupParser.parse(CgroupFixtures.text("/proc/container-sleep/cgroup")).orElseThrow();
    CgroupLine line = ContainerIdResolver.containerLine(lines).orElseThrow();
    assertTrue(line.isV2(), "the v2 line names the container, so it is preferred");
    assertEquals(Optional.of(RECORDED), idOf(line.path()));
  }

  @Test
  void recordedHostFileHasNoContainerLine() {
    List<CgroupLine> lines =
        ProcCgroupParser.parse(CgroupFixtures.text("/proc/host-dockerd/cgroup")).orElseThrow();
    assertEquals(Optional.empty(), ContainerIdResolver.containerLine(lines));
  }

  @Test
  void whenTheV2LineNamesNoContainerThePidsLineIsPreferredOverOtherV1Lines() {
    String file =
        "9:name=systemd:/docker/"
            + OUTER
            + "\n"
            + "4:memory:/docker/"
            + CGROUPFS
            + "\n"
            + "8:pids:/docker/"
            + INNER
            + "\n"
            + "0::/\n";
    List<CgroupLine> lines = ProcCgroupParser.parse(file).orElseThrow();
    assertEquals("/docker/" + INNER, ContainerIdResolver.containerLine(lines).orElseThrow().path());
  }

  @Test
  void memoryLineIsPreferredOverNameSystemd() {
    String file = "9:name=systemd:/docker/" + OUTER + "\n4:memory:/docker/" + CGROUPFS + "\n0::/\n";
    List<CgroupLine> lines = ProcCgroupParser.parse(file).orElseThrow();
    assertEquals(
        "/docker/" + CGROUPFS, ContainerIdResolver.containerLine(lines).orElseThrow().path());
  }

  @Test
  void anyOtherV1LineIsUsedWhenThePreferredOnesNameNoContainer() {
    String file = "8:pids:/\n6:freezer:/docker/" + CGROUPFS + "\n0::/\n";
    List<CgroupLine> lines = ProcCgroupParser.parse(file).orElseThrow();
    assertEquals(
        "/docker/" + CGROUPFS, ContainerIdResolver.containerLine(lines).orElseThrow().path());
  }
}
