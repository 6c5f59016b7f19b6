package dev.dockward.docker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockward.event.ContainerInfo;
import dev.dockward.proc.LoaderEnvParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dynamic loader's variables that images set, from the image's own {@code Config.Env} ({@code
 * GET /images/<id>/json}; a container's {@code Config.Env} also holds what {@code docker run -e}
 * added, so it cannot tell the two apart). Picked and cut exactly as a process's environment is
 * ({@link LoaderEnvParser}), so equal values compare equal. Asked once per image id (an id names
 * fixed content), for at most {@link #MAX_IMAGES} images; an image that cannot be inspected gives
 * nothing, is counted, and is asked again next time. Thread-safe.
 */
final class ImageLoaderEnv {
  /** The most images remembered (the least recently asked are dropped). */
  static final int MAX_IMAGES = 1024;

  private static final Logger log = LoggerFactory.getLogger(ImageLoaderEnv.class);

  /** Asks the daemon to describe one image: its inspect JSON. */
  @FunctionalInterface
  interface Inspector {
    JsonNode inspect(String imageId) throws IOException;
  }

  private final Inspector inspector;
  private final LongAdder failures = new LongAdder();
  private final Map<String, Map<String, String>> byImage =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Map<String, String>> eldest) {
          return size() > MAX_IMAGES;
        }
      };

  ImageLoaderEnv(Inspector inspector) {
    this.inspector = inspector;
  }

  static ImageLoaderEnv of(DockerApi api) {
    return new ImageLoaderEnv(id -> api.get("/images/" + id + "/json"));
  }

  /**
   * {@code container} with its image's loader variables (as it was when the image has none or is
   * unknown).
   */
  ContainerInfo attach(ContainerInfo container) {
    Map<String, String> env = forImage(container.imageId());
    return env.isEmpty() ? container : container.withImageLoaderEnv(env);
  }

  synchronized Map<String, String> forImage(String imageId) {
    if (imageId.isEmpty()) {
      return Map.of();
    }
    Map<String, String> known = byImage.get(imageId);
    if (known != null) {
      return known;
    }
    try {
      Map<String, String> env = parse(inspector.inspect(imageId));
      byImage.put(imageId, env);
      return env;
    } catch (IOException | RuntimeException e) {
      failures.increment();
      log.debug("image {} could not be inspected: {}", imageId, e.toString());
      return Map.of();
    }
  }

  /** Images that could not be inspected. */
  long failures() {
    return failures.sum();
  }

  /** The loader's variables among an image inspect's {@code Config.Env} entries. */
  static Map<String, String> parse(JsonNode image) {
    ByteArrayOutputStream environ = new ByteArrayOutputStream();
    for (JsonNode entry : image.path("Config").path("Env")) {
      byte[] bytes = entry.asText("").getBytes(StandardCharsets.UTF_8);
      environ.write(bytes, 0, bytes.length);
      environ.write(0);
    }
    byte[] bytes = environ.toByteArray();
    return Map.copyOf(LoaderEnvParser.parse(bytes, bytes.length));
  }
}
