package dev.dockward.cgroup;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Reads cgroup fixtures from the test resources. */
final class CgroupFixtures {
  private CgroupFixtures() {}

  static String text(String resource) {
    try (InputStream in = CgroupFixtures.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String v2Path(String fixture) {
    return ProcCgroupParser.parse(text("/cgroup/v2/" + fixture)).orElseThrow().get(0).path();
  }
}
