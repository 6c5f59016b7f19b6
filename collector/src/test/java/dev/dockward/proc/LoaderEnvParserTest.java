package dev.dockward.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoaderEnvParserTest {
  private static Map<String, String> parse(String environ) {
    byte[] b = environ.getBytes(StandardCharsets.UTF_8);
    return LoaderEnvParser.parse(b, b.length);
  }

  @Test
  void keepsOnlyTheLoaderKeysInTheirFixedOrder() {
    Map<String, String> env =
        parse(
            "GLIBC_TUNABLES=glibc.rtld.nns=7\0HOME=/root\0LD_LIBRARY_PATH=/tmp/l\0"
                + "LD_PRELOADX=no\0XLD_PRELOAD=no\0LD_PRELOAD=/x.so\0");
    assertEquals(
        List.of("LD_PRELOAD", "LD_LIBRARY_PATH", "GLIBC_TUNABLES"), List.copyOf(env.keySet()));
    assertEquals("/x.so", env.get("LD_PRELOAD"));
    assertEquals("glibc.rtld.nns=7", env.get("GLIBC_TUNABLES"));
  }

  @Test
  void theFirstOfTwoEntriesWinsAsTheLoaderTakesIt() {
    assertEquals(
        Map.of("LD_PRELOAD", "/first.so"), parse("LD_PRELOAD=/first.so\0LD_PRELOAD=/second.so\0"));
  }

  @Test
  void aLongValueIsCutAndAnEntryCutByTheReadIsKeptAsFarAsRead() {
    String value = "A".repeat(LoaderEnvParser.VALUE_CAP + 77);
    assertEquals(
        LoaderEnvParser.VALUE_CAP,
        parse("GLIBC_TUNABLES=" + value + "\0").get("GLIBC_TUNABLES").length());
    byte[] b =
        "PATH=/bin\0LD_AUDIT=/tmp/audit.so".getBytes(StandardCharsets.UTF_8); // no closing NUL
    assertEquals(Map.of("LD_AUDIT", "/tmp/audit"), LoaderEnvParser.parse(b, b.length - 3));
  }

  @Test
  void anEmptyOrUnrelatedEnvironmentGivesNothing() {
    assertEquals(Map.of(), parse(""));
    assertEquals(Map.of(), parse("LD_PRELOAD\0LANG=C\0\0\0"));
    assertEquals(Map.of("LD_PRELOAD", ""), parse("LD_PRELOAD=\0"));
  }
}
