package dev.dockward.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@code process.loader_env_from_image}: the loader variables a process got from its container's
 * image.
 */
class LoaderEnvFromImageTest {
  private static final String ID =
      "9f2c4e1b7a3d5c6e8f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6a";
  private static final String JEMALLOC = "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2";
  private static final Optional<ContainerInfo> PRELOADING_IMAGE =
      Optional.of(ContainerInfo.unresolved(ID).withImageLoaderEnv(Map.of("LD_PRELOAD", JEMALLOC)));

  private static Map<String, Object> process(Map<String, String> loaderEnv) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("pid", 4321L);
    p.put("cgroup", "/docker/" + ID);
    p.put("loader_env", new LinkedHashMap<>(loaderEnv));
    p.put("stdio", List.of("pipe"));
    return p;
  }

  @Test
  void theImagesOwnValueIsMarkedRightAfterTheVariables() {
    Map<String, Object> doc =
        EventDocuments.withImageLoaderEnv(
            process(Map.of("LD_PRELOAD", JEMALLOC)), PRELOADING_IMAGE);
    assertEquals(List.of("LD_PRELOAD"), doc.get("loader_env_from_image"));
    assertEquals(
        List.of("pid", "cgroup", "loader_env", "loader_env_from_image", "stdio"),
        List.copyOf(doc.keySet()));
  }

  @Test
  void anotherValueOrAnotherVariableIsNotTheImages() {
    Map<String, String> both = new LinkedHashMap<>();
    both.put("LD_PRELOAD", "/dev/shm/libhide.so"); // docker run -e over the image's value
    both.put("LD_AUDIT", JEMALLOC); // the image's value under another variable
    Map<String, Object> p = process(both);
    assertSame(p, EventDocuments.withImageLoaderEnv(p, PRELOADING_IMAGE));
    assertFalse(p.containsKey("loader_env_from_image"));
  }

  @Test
  void withoutTheImagesVariablesNothingIsMarked() {
    Map<String, Object> p = process(Map.of("LD_PRELOAD", JEMALLOC));
    assertSame(p, EventDocuments.withImageLoaderEnv(p, Optional.of(ContainerInfo.unresolved(ID))));
    assertSame(p, EventDocuments.withImageLoaderEnv(p, Optional.empty()));
  }
}
