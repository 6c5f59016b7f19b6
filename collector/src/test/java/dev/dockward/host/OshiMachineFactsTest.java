package dev.dockward.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What counts as a known value, the hypervisor hint, and the architecture from the host's roots.
 */
class OshiMachineFactsTest {
  private static final List<String> X86_FLAGS =
      List.of("flags\t\t: fpu vme de pse tsc msr pae sse2 ht syscall nx lm");

  @Test
  void oshisPlaceholdersAreAbsentValues() {
    assertEquals(Optional.empty(), OshiMachineFacts.known(null));
    assertEquals(Optional.empty(), OshiMachineFacts.known("  "));
    assertEquals(Optional.empty(), OshiMachineFacts.known("unknown"));
    assertEquals(Optional.empty(), OshiMachineFacts.known("Unknown"));
    assertEquals(Optional.of("6.1.0-18-amd64"), OshiMachineFacts.known("6.1.0-18-amd64\n"));
  }

  @Test
  void theHypervisorFlagMarksAVirtualMachine() {
    List<String> guest =
        List.of("flags\t\t: fpu vme hypervisor lahf_lm", "flags\t\t: fpu vme hypervisor lahf_lm");
    assertEquals(Optional.of(true), OshiMachineFacts.hypervisor(guest, Optional.of("x86_64")));
    assertEquals(Optional.of(false), OshiMachineFacts.hypervisor(X86_FLAGS, Optional.of("x86_64")));
    assertEquals(Optional.of(false), OshiMachineFacts.hypervisor(X86_FLAGS, Optional.of("i686")));
  }

  @Test
  void noHypervisorFlagOutsideX86SaysNothing() {
    List<String> arm = List.of("Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics");
    assertEquals(Optional.empty(), OshiMachineFacts.hypervisor(arm, Optional.of("aarch64")));
    assertEquals(
        Optional.empty(),
        OshiMachineFacts.hypervisor(List.of(), Optional.of("x86_64")),
        "no flags read");
    assertEquals(Optional.empty(), OshiMachineFacts.hypervisor(X86_FLAGS, Optional.empty()));
    assertEquals(
        Optional.empty(),
        OshiMachineFacts.hypervisor(List.of("flags : hypervisorish"), Optional.of("s390x")),
        "a whole word, not a prefix");
  }

  @Test
  void theArchitectureComesFromTheHostsProcTree(@TempDir Path root) throws IOException {
    Path arch = root.resolve("proc/sys/kernel/arch");
    Files.createDirectories(arch.getParent());
    Files.writeString(arch, "fixture-arch64\n");
    MachineFacts facts = new OshiMachineFacts(HostFs.rootedAt(root)).read();
    assertEquals(Optional.of("fixture-arch64"), facts.arch());
    assertTrue(facts.readTime().toNanos() > 0);
  }
}
