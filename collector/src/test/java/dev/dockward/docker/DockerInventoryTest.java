package dev.dockward.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dockward.event.ContainerInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class DockerInventoryTest {
  private static final String ID =
      "9f2c4e1b7a3d5c6e8f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6a";

  @Test
  void listenersHearEachRunBeginAndEndOnceWhateverElseChanges() {
    DockerInventory inventory = new DockerInventory();
    List<String> heard = new ArrayList<>();
    inventory.onRun(
        new DockerInventory.RunListener() {
          @Override
          public void running(ContainerInfo c) {
            heard.add("running " + c.initPid().getAsLong());
          }

          @Override
          public void ended(String id) {
            heard.add("ended");
          }
        });
    inventory.onRun(
        new DockerInventory.RunListener() { // a failing listener harms no other
          @Override
          public void running(ContainerInfo c) {
            throw new IllegalStateException("boom");
          }

          @Override
          public void ended(String id) {
            throw new IllegalStateException("boom");
          }
        });
    inventory.put(container("web", OptionalLong.of(4242)));
    inventory.put(container("web-renamed", OptionalLong.of(4242))); // rename: the same run
    inventory.put(container("web", OptionalLong.empty())); // died
    inventory.put(container("web", OptionalLong.of(4343))); // restarted
    inventory.remove(ID); // removed while running (rm -f)
    inventory.remove(ID); // already gone
    assertEquals(List.of("running 4242", "ended", "running 4343", "ended"), heard);
  }

  @Test
  void aListenerByIdAndInitPidHearsTheSameRuns() {
    DockerInventory inventory = new DockerInventory();
    List<String> heard = new ArrayList<>();
    inventory.onRun(
        (id, pid) -> heard.add("started " + id + " " + pid), id -> heard.add("ended " + id));
    inventory.put(container("web", OptionalLong.of(4242)));
    inventory.put(container("web", OptionalLong.empty()));
    assertEquals(List.of("started " + ID + " 4242", "ended " + ID), heard);
  }

  private static ContainerInfo container(String name, OptionalLong initPid) {
    ContainerInfo bare = ContainerInfo.unresolved(ID);
    return new ContainerInfo(
        ID,
        name,
        "",
        "",
        Map.of(),
        false,
        bare.capAdd(),
        bare.capDrop(),
        bare.mounts(),
        bare.namespaces(),
        bare.securityOpt(),
        bare.limits(),
        initPid,
        Map.of(),
        Optional.empty(),
        bare.ports());
  }
}
