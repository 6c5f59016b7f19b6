package dev.dockward.posture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DaemonJsonParserTest {
  @Test
  void everyAuditedKeyIsRead() throws IOException {
    DaemonSettings s = DaemonJsonParser.parse(Fixtures.text("synthetic/daemon-full.json"));
    assertEquals(List.of("unix:///var/run/docker.sock", "tcp://0.0.0.0:12375"), s.hosts());
    assertEquals(Optional.of(true), s.tls());
    assertEquals(Optional.of(false), s.tlsVerify());
    assertEquals(Optional.of(false), s.icc());
    assertEquals(List.of("registry.example.test:5043"), s.insecureRegistries());
    assertEquals(Optional.of("default"), s.usernsRemap());
    assertEquals(Optional.of(true), s.liveRestore());
    assertEquals(Optional.of(true), s.noNewPrivileges());
    assertEquals(Optional.of(false), s.userlandProxy());
    assertEquals(
        List.of("http://mirror.example.test:5044", "https://mirror2.example.test"),
        s.registryMirrors());
    assertEquals(Optional.of("br-posture7"), s.bridge());
  }

  @Test
  void commentsAreAnErrorThatSaysWhere() {
    IOException e =
        assertThrows(
            IOException.class,
            () -> DaemonJsonParser.parse(Fixtures.text("synthetic/daemon-comments.json")));
    assertTrue(e.getMessage().contains("line: 2"), e.getMessage());
  }

  @Test
  void aWrongTypeIsAnErrorNamingTheKey() {
    IOException e =
        assertThrows(
            IOException.class,
            () -> DaemonJsonParser.parse(Fixtures.text("synthetic/daemon-wrong-type.json")));
    assertTrue(e.getMessage().contains("\"icc\""), e.getMessage());
  }

  @Test
  void trailingContentIsAnError() {
    assertThrows(
        IOException.class,
        () -> DaemonJsonParser.parse(Fixtures.text("synthetic/daemon-trailing.json")));
    assertThrows(IOException.class, () -> DaemonJsonParser.parse("[\"icc\"]"));
  }

  @Test
  void anEmptyFileStatesNothing() throws IOException {
    assertEquals(DaemonSettings.NONE, DaemonJsonParser.parse(""));
    assertEquals(DaemonSettings.NONE, DaemonJsonParser.parse("{}"));
  }
}
