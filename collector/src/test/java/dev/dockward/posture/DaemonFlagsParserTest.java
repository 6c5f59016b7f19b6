package dev.dockward.posture;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DaemonFlagsParserTest {
  @Test
  void recordedTestDaemonHasItsUnixAndTcpHostsAndNoBridge() {
    DaemonSettings s =
        DaemonFlagsParser.parse(
            DockerdProcessReader.argv(Fixtures.bytes("recorded/test-dockerd.cmdline")));
    assertEquals(
        List.of("unix:///tmp/dw-rec.eVRK/docker.sock", "tcp://127.0.0.1:23751"), s.hosts());
    assertEquals(Optional.of("none"), s.bridge());
    assertEquals(Optional.empty(), s.tls());
    assertEquals(Optional.empty(), s.tlsVerify());
    assertEquals(Optional.empty(), s.icc());
  }

  @Test
  void recordedSystemDaemonStatesNothingTheAuditLooksAt() {
    DaemonSettings s =
        DaemonFlagsParser.parse(
            DockerdProcessReader.argv(Fixtures.bytes("recorded/system-dockerd.cmdline")));
    assertEquals(DaemonSettings.NONE, s);
  }

  @Test
  void everyGoFlagSpellingIsUnderstood() {
    DaemonSettings s =
        DaemonFlagsParser.parse(
            List.of(
                "/usr/bin/dockerd",
                "-H",
                "tcp://0.0.0.0:2375",
                "-Hunix:///a.sock",
                "-H=fd://",
                "--host=tcp://[::1]:12376",
                "--tls",
                "--tlsverify=false",
                "--icc=false",
                "--insecure-registry",
                "reg.test:5000",
                "--insecure-registry=10.0.0.0/8",
                "--userns-remap=default",
                "--live-restore",
                "--no-new-privileges=true",
                "--userland-proxy=false",
                "--registry-mirror",
                "http://mirror.test",
                "-b",
                "br7",
                "--config-file",
                "/srv/daemon.json",
                "--log-level",
                "debug"));
    assertEquals(
        List.of("tcp://0.0.0.0:2375", "unix:///a.sock", "fd://", "tcp://[::1]:12376"), s.hosts());
    assertEquals(Optional.of(true), s.tls());
    assertEquals(Optional.of(false), s.tlsVerify());
    assertEquals(Optional.of(false), s.icc());
    assertEquals(List.of("reg.test:5000", "10.0.0.0/8"), s.insecureRegistries());
    assertEquals(Optional.of("default"), s.usernsRemap());
    assertEquals(Optional.of(true), s.liveRestore());
    assertEquals(Optional.of(true), s.noNewPrivileges());
    assertEquals(Optional.of(false), s.userlandProxy());
    assertEquals(List.of("http://mirror.test"), s.registryMirrors());
    assertEquals(Optional.of("br7"), s.bridge());
    assertEquals(Optional.of("/srv/daemon.json"), s.configFile());
  }

  @Test
  void commandLineWinsOverTheFileAndListsAreJoined() {
    DaemonSettings flags =
        DaemonFlagsParser.parse(List.of("dockerd", "--icc=true", "-H", "unix:///x.sock"));
    DaemonSettings file =
        new DaemonSettings(
            List.of("tcp://127.0.0.1:2375"),
            Optional.empty(),
            Optional.empty(),
            Optional.of(false),
            List.of("r:1"),
            Optional.empty(),
            Optional.of(true),
            Optional.empty(),
            Optional.empty(),
            List.of(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty());
    DaemonSettings merged = flags.over(file);
    assertEquals(Optional.of(true), merged.icc());
    assertEquals(Optional.of(true), merged.liveRestore());
    assertEquals(List.of("unix:///x.sock", "tcp://127.0.0.1:2375"), merged.hosts());
    assertEquals(List.of("r:1"), merged.insecureRegistries());
  }

  @Test
  void tlsKeySeccompProfileAndLogDriverFromTheCommandLineOverTheFile() throws java.io.IOException {
    DaemonSettings flags =
        DaemonFlagsParser.parse(
            List.of("dockerd", "--tlskey", "/etc/docker/key.pem", "--seccomp-profile=unconfined"));
    DaemonSettings file =
        DaemonJsonParser.parse("{\"log-driver\": \"none\", \"seccomp-profile\": \"/x.json\"}");
    DaemonSettings merged = flags.over(file);
    assertEquals(Optional.of("/etc/docker/key.pem"), merged.tlsKey());
    assertEquals(Optional.of("unconfined"), merged.seccompProfile());
    assertEquals(Optional.of("none"), merged.logDriver());
  }
}
