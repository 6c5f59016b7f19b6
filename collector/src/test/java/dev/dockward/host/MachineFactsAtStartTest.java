package dev.dockward.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Read once in the background; a reading that fails or does not finish leaves the facts out. */
class MachineFactsAtStartTest {
  @Test
  void theFactsOfTheOneReading() {
    MachineFacts facts = MachineFactsFixtures.withKernel("6.6.6-fixture");
    int[] reads = {0};
    MachineFactsAtStart start =
        MachineFactsAtStart.begin(
            () -> {
              reads[0]++;
              return facts;
            },
            Duration.ofSeconds(30));
    assertSame(facts, start.read());
    assertSame(facts, start.read());
    assertEquals(1, reads[0], "read once, whoever asks");
  }

  @Test
  void aProviderThatThrowsGivesNoFacts() {
    MachineFactsAtStart start =
        MachineFactsAtStart.begin(
            () -> {
              throw new NoClassDefFoundError("com/sun/jna/platform/linux/LibC$Sysinfo");
            },
            Duration.ofSeconds(30));
    MachineFacts facts = start.read();
    assertEquals(Optional.empty(), facts.kernelRelease());
    assertEquals(List.of("oshi"), facts.unreadable());
  }

  @Test
  void aReadingStillUnderWayIsNotWaitedForBeyondTheBound() throws InterruptedException {
    CountDownLatch release = new CountDownLatch(1);
    MachineFacts late = MachineFactsFixtures.withKernel("6.6.6-late");
    MachineFactsAtStart start =
        MachineFactsAtStart.begin(
            () -> {
              try {
                release.await(30, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return late;
            },
            Duration.ofMillis(50));
    MachineFacts first = start.read();
    assertEquals(List.of("timeout"), first.unreadable());
    assertEquals(Optional.empty(), first.osFamily());
    release.countDown();
    // Once the reading is done, later users (the next posture audit) get it.
    MachineFacts later = start.read();
    for (int i = 0; i < 200 && later != late; i++) { // each read waits at most 50 ms
      later = start.read();
    }
    assertSame(late, later);
  }
}
