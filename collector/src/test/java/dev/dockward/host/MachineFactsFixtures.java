package dev.dockward.host;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/** Machine facts with distinctive values, for tests that need a fake provider. */
public final class MachineFactsFixtures {
  private MachineFactsFixtures() {}

  /** Every fact known; the kernel release is {@code kernel}. */
  public static MachineFacts withKernel(String kernel) {
    return new MachineFacts(
        Optional.of("Debian GNU/Linux"),
        Optional.of("12"),
        Optional.of(kernel),
        Optional.of("bookworm"),
        Optional.of(kernel),
        Optional.of("x86_64"),
        Optional.of("Fixture CPU 9000"),
        OptionalInt.of(7),
        OptionalLong.of(123456789L),
        Optional.of(Instant.parse("2026-11-20T06:30:01Z")),
        Optional.of(true),
        Optional.of("QEMU Standard PC"),
        Duration.ofMillis(1234),
        List.of());
  }
}
