package dev.dockward.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockward.event.ContainerInfo;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ImageLoaderEnvTest {
  private static final String IMAGE =
      "sha256:bcf3d5871d4d14f58d676a8272e041f8f5f7fc2b764b3946ed3d86d66cee8e60";
  private final List<String> asked = new ArrayList<>();

  @Test
  void theLoaderVariablesOfARecordedImageAndNothingElseOfItsEnvironment() throws IOException {
    JsonNode image = ContainerInspectParserTest.fixture("image-inspect-preload.json");
    assertEquals(
        Map.of("LD_PRELOAD", "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2"),
        ImageLoaderEnv.parse(image));
  }

  @Test
  void anImageIsAskedOnceAndAContainerOfItCarriesItsVariables() throws IOException {
    JsonNode image = ContainerInspectParserTest.fixture("image-inspect-preload.json");
    ImageLoaderEnv env =
        new ImageLoaderEnv(
            id -> {
              asked.add(id);
              return image;
            });
    ContainerInfo plain =
        ContainerInspectParser.parse(ContainerInspectParserTest.fixture("inspect-plain.json"));
    ContainerInfo c =
        new ContainerInfo(
            plain.id(),
            plain.name(),
            plain.image(),
            IMAGE,
            plain.labels(),
            false,
            plain.capAdd(),
            plain.capDrop(),
            plain.mounts(),
            plain.namespaces(),
            plain.securityOpt(),
            plain.limits(),
            plain.initPid(),
            plain.networks(),
            plain.startedAt(),
            plain.ports(),
            plain.devices());
    assertEquals(
        Map.of("LD_PRELOAD", "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2"),
        env.attach(c).imageLoaderEnv());
    assertEquals(
        Map.of("LD_PRELOAD", "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2"),
        env.attach(c).imageLoaderEnv());
    assertEquals(List.of(IMAGE), asked);
  }

  @Test
  void anImageThatCannotBeInspectedGivesNothingAndIsAskedAgain() {
    ImageLoaderEnv env =
        new ImageLoaderEnv(
            id -> {
              asked.add(id);
              throw new DockerApiException(404, "/images/" + id + "/json", "No such image");
            });
    ContainerInfo c = ContainerInfo.unresolved("ab".repeat(32));
    assertSame(c, env.attach(c), "no image id: nothing asked");
    assertEquals(Map.of(), env.forImage(IMAGE));
    assertEquals(Map.of(), env.forImage(IMAGE));
    assertEquals(List.of(IMAGE, IMAGE), asked);
    assertEquals(2, env.failures());
  }
}
