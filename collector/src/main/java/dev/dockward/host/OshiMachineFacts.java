package dev.dockward.host;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.ComputerSystem;
import oshi.hardware.HardwareAbstractionLayer;
import oshi.software.os.OperatingSystem;

/**
 * Reads the machine's facts through OSHI. OSHI reads {@code /proc}, {@code /sys} and native calls
 * through JNA and can fail in many ways (an unsupported platform, JNA's platform classes missing, a
 * file it expects absent): each fact is read on its own, a failure leaves that fact out and names
 * it in {@link MachineFacts#unreadable()}, and one warning per read says what failed. The first
 * call is slow (OSHI loads JNA and its platform tables: about a second), so read once.
 */
public final class OshiMachineFacts implements MachineFactsProvider {
  private static final Logger log = LoggerFactory.getLogger(OshiMachineFacts.class);

  private final HostFs fs;

  /**
   * @param fs the host's roots; the architecture is read from {@code <proc>/sys/kernel/arch}
   */
  public OshiMachineFacts(HostFs fs) {
    this.fs = fs;
  }

  @Override
  public MachineFacts read() {
    long start = System.nanoTime();
    Failures failures = new Failures();
    Optional<String> arch = arch();
    MachineFacts facts;
    try {
      SystemInfo system = new SystemInfo();
      OperatingSystem os = system.getOperatingSystem();
      HardwareAbstractionLayer hardware = system.getHardware();
      Optional<OperatingSystem.OSVersionInfo> version =
          failures.attempt("os_version", () -> Optional.ofNullable(os.getVersionInfo()));
      Optional<CentralProcessor> cpu =
          failures.attempt("cpu_model", () -> Optional.ofNullable(hardware.getProcessor()));
      facts =
          new MachineFacts(
              failures.attempt("os_family", () -> known(os.getFamily())),
              version.flatMap(v -> known(v.getVersion())),
              version.flatMap(v -> known(v.getBuildNumber())),
              version.flatMap(v -> known(v.getCodeName())),
              // On Linux OSHI's build number is the release from /proc/version, the same as
              // osrelease.
              version.flatMap(v -> known(v.getBuildNumber())),
              arch,
              cpu.flatMap(
                  c ->
                      failures.attempt(
                          "cpu_model", () -> known(c.getProcessorIdentifier().getName()))),
              cpu.map(c -> failures.attemptInt("cpu_logical", c::getLogicalProcessorCount))
                  .orElse(OptionalInt.empty()),
              failures.attemptLong("memory_bytes", () -> hardware.getMemory().getTotal()),
              failures.attempt(
                  "boot_time", () -> positive(os.getSystemBootTime()).map(Instant::ofEpochSecond)),
              cpu.flatMap(
                  c -> failures.attempt("hypervisor", () -> hypervisor(c.getFeatureFlags(), arch))),
              failures.attempt("machine_model", () -> model(hardware.getComputerSystem())),
              Duration.ofNanos(System.nanoTime() - start),
              failures.names());
    } catch (RuntimeException | LinkageError e) {
      // SystemInfo itself: an unsupported platform, or JNA (or its platform classes) not loadable.
      failures.failed("oshi", e);
      facts = MachineFacts.none(Duration.ofNanos(System.nanoTime() - start), failures.names());
      facts = withArch(facts, arch);
    }
    failures.logOnce();
    return facts;
  }

  /**
   * The kernel's own name for the machine ({@code uname -m}); the JVM's name when the file is
   * absent.
   */
  private Optional<String> arch() {
    try {
      return known(
          Files.readString(fs.proc().resolve("sys/kernel/arch"), StandardCharsets.US_ASCII));
    } catch (IOException e) {
      String jvm = System.getProperty("os.arch", "");
      return known(jvm.equals("amd64") ? "x86_64" : jvm);
    }
  }

  /**
   * x86 CPUs set the {@code hypervisor} flag when they run under one; other architectures report no
   * such flag, so there absence says nothing and the fact is left out.
   */
  static Optional<Boolean> hypervisor(List<String> flagLines, Optional<String> arch) {
    boolean flagged =
        flagLines.stream()
            .flatMap(line -> Arrays.stream(line.split("[\\s:]+")))
            .anyMatch("hypervisor"::equals);
    if (flagged) {
      return Optional.of(true);
    }
    boolean x86 = arch.map(a -> a.equals("x86_64") || a.matches("i[3-6]86")).orElse(false);
    return x86 && !flagLines.isEmpty() ? Optional.of(false) : Optional.empty();
  }

  /**
   * The DMI vendor and product, e.g. {@code QEMU Standard PC (Q35 + ICH9, 2009)}, when the firmware
   * names them.
   */
  static Optional<String> model(ComputerSystem system) {
    Optional<String> product = known(system.getModel());
    Optional<String> vendor = known(system.getManufacturer());
    return product.map(p -> vendor.filter(v -> !p.startsWith(v)).map(v -> v + " " + p).orElse(p));
  }

  /** OSHI answers "unknown" or an empty string for what it could not find. */
  static Optional<String> known(String value) {
    if (value == null) {
      return Optional.empty();
    }
    String v = value.strip();
    return v.isEmpty() || v.toLowerCase(Locale.ROOT).equals("unknown")
        ? Optional.empty()
        : Optional.of(v);
  }

  private static Optional<Long> positive(long value) {
    return value > 0 ? Optional.of(value) : Optional.empty();
  }

  private static MachineFacts withArch(MachineFacts f, Optional<String> arch) {
    return new MachineFacts(
        f.osFamily(),
        f.osVersion(),
        f.osBuild(),
        f.osCodename(),
        f.kernelRelease(),
        arch,
        f.cpuModel(),
        f.cpuLogical(),
        f.memoryBytes(),
        f.bootTime(),
        f.hypervisor(),
        f.machineModel(),
        f.readTime(),
        f.unreadable());
  }

  /** The facts that failed in one read, and the first cause, for one warning. */
  private static final class Failures {
    private final List<String> names = new ArrayList<>();
    private Throwable first;

    <T> Optional<T> attempt(String name, Supplier<Optional<T>> read) {
      try {
        return read.get();
      } catch (RuntimeException | LinkageError e) {
        failed(name, e);
        return Optional.empty();
      }
    }

    OptionalInt attemptInt(String name, IntSupplier read) {
      return attempt(name, () -> Optional.of(read.getAsInt()))
          .filter(n -> n > 0)
          .map(OptionalInt::of)
          .orElse(OptionalInt.empty());
    }

    OptionalLong attemptLong(String name, LongSupplier read) {
      return attempt(name, () -> Optional.of(read.getAsLong()))
          .filter(n -> n > 0)
          .map(OptionalLong::of)
          .orElse(OptionalLong.empty());
    }

    void failed(String name, Throwable e) {
      if (!names.contains(name)) {
        names.add(name);
      }
      if (first == null) {
        first = e;
      }
    }

    List<String> names() {
      return List.copyOf(names);
    }

    void logOnce() {
      if (first != null) {
        log.warn(
            "host facts: could not read {} through OSHI ({}); those facts are left out",
            names,
            first.toString());
      }
    }
  }
}
