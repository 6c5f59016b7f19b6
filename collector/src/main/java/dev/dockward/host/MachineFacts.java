package dev.dockward.host;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * What the machine is: every fact is optional, absent when it could not be read (never a made-up
 * default), and {@code unreadable} names the facts whose reading failed.
 *
 * @param osFamily the distribution's name, e.g. {@code Debian GNU/Linux}
 * @param osVersion the distribution's version, e.g. {@code 12}
 * @param osBuild the OS build as OSHI reports it (on Linux the kernel release)
 * @param osCodename the release's code name, e.g. {@code bookworm}
 * @param kernelRelease the running kernel's release, as in {@code /proc/sys/kernel/osrelease}
 * @param arch the machine architecture as the kernel names it, e.g. {@code x86_64}
 * @param cpuModel the processor's model name
 * @param cpuLogical logical processors (hardware threads)
 * @param memoryBytes total physical memory
 * @param bootTime when the machine booted, to the second
 * @param hypervisor whether the CPU reports running under a hypervisor ({@code hypervisor} flag)
 * @param machineModel the vendor's model of the machine (DMI), e.g. a cloud or VM product name
 * @param readTime how long reading the facts took
 * @param unreadable the facts (JSON names) whose reading failed
 */
public record MachineFacts(
    Optional<String> osFamily,
    Optional<String> osVersion,
    Optional<String> osBuild,
    Optional<String> osCodename,
    Optional<String> kernelRelease,
    Optional<String> arch,
    Optional<String> cpuModel,
    OptionalInt cpuLogical,
    OptionalLong memoryBytes,
    Optional<Instant> bootTime,
    Optional<Boolean> hypervisor,
    Optional<String> machineModel,
    Duration readTime,
    List<String> unreadable) {

  public MachineFacts {
    Objects.requireNonNull(osFamily, "osFamily");
    Objects.requireNonNull(osVersion, "osVersion");
    Objects.requireNonNull(osBuild, "osBuild");
    Objects.requireNonNull(osCodename, "osCodename");
    Objects.requireNonNull(kernelRelease, "kernelRelease");
    Objects.requireNonNull(arch, "arch");
    Objects.requireNonNull(cpuModel, "cpuModel");
    Objects.requireNonNull(cpuLogical, "cpuLogical");
    Objects.requireNonNull(memoryBytes, "memoryBytes");
    Objects.requireNonNull(bootTime, "bootTime");
    Objects.requireNonNull(hypervisor, "hypervisor");
    Objects.requireNonNull(machineModel, "machineModel");
    Objects.requireNonNull(readTime, "readTime");
    unreadable = List.copyOf(unreadable);
  }

  /** No facts at all: reading did not finish, or failed as a whole. */
  public static MachineFacts none(Duration readTime, List<String> unreadable) {
    return new MachineFacts(
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        OptionalInt.empty(),
        OptionalLong.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        readTime,
        unreadable);
  }
}
