package dev.dockward.cgroup;

import dev.dockward.event.ResourceCounters;
import dev.dockward.event.ResourceRates;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * Rates between two samples of one container. A counter that went backwards was reset (the
 * container restarted in a new cgroup): its rate is left out for that interval, never negative.
 */
final class ResourceRateCalculator {
  private final int hostCpus;

  /**
   * @param hostCpus the CPUs an unlimited container can use: the basis of its {@code cpu_fraction}
   */
  ResourceRateCalculator(int hostCpus) {
    if (hostCpus < 1) {
      throw new IllegalArgumentException("hostCpus must be at least 1: " + hostCpus);
    }
    this.hostCpus = hostCpus;
  }

  /** One read of a container's cgroup. */
  record Sample(Instant time, ResourceCounters counters) {}

  /**
   * A container's first sample. Rates need two samples; the event counters (OOM kills, refused
   * forks) count from 0 when the container started after sampling began, since its cgroup was new —
   * so a kill before the first sample is not lost — and are unknown otherwise.
   */
  ResourceRates first(Sample now, boolean startedWhileSampling) {
    if (!startedWhileSampling) {
      return ResourceRates.NONE;
    }
    return new ResourceRates(
        OptionalDouble.empty(),
        OptionalDouble.empty(),
        OptionalDouble.empty(),
        OptionalDouble.empty(),
        OptionalDouble.empty(),
        OptionalDouble.empty(),
        OptionalDouble.empty(),
        now.counters().memory().oomKills(),
        now.counters().pids().forkRefusals());
  }

  ResourceRates between(Sample previous, Sample now) {
    double seconds = Duration.between(previous.time(), now.time()).toNanos() / 1e9;
    if (seconds <= 0) {
      return ResourceRates.NONE; // clock stepped back: no rate can be trusted
    }
    ResourceCounters p = previous.counters();
    ResourceCounters n = now.counters();
    OptionalDouble cores = perSecond(p.cpu().usageNanos(), n.cpu().usageNanos(), seconds * 1e9);
    OptionalDouble limit = n.cpu().limitCores();
    OptionalDouble fraction = OptionalDouble.empty();
    if (cores.isPresent()) {
      fraction =
          OptionalDouble.of(
              cores.getAsDouble() / (limit.isPresent() ? limit.getAsDouble() : hostCpus));
    }
    OptionalLong periods = delta(p.cpu().periods(), n.cpu().periods());
    OptionalLong throttled = delta(p.cpu().throttledPeriods(), n.cpu().throttledPeriods());
    OptionalDouble throttledRatio =
        periods.isPresent() && throttled.isPresent() && periods.getAsLong() > 0
            ? OptionalDouble.of(Math.min(1.0, (double) throttled.getAsLong() / periods.getAsLong()))
            : OptionalDouble.empty();
    OptionalDouble pidsGrowth = OptionalDouble.empty();
    if (p.pids().current().isPresent() && n.pids().current().isPresent()) {
      // pids.current is a gauge: a shrinking count is no growth, not a negative one.
      long grown = Math.max(0, n.pids().current().getAsLong() - p.pids().current().getAsLong());
      pidsGrowth = OptionalDouble.of(grown / seconds);
    }
    return new ResourceRates(
        OptionalDouble.of(seconds),
        cores,
        fraction,
        throttledRatio,
        pidsGrowth,
        perSecond(p.io().readBytes(), n.io().readBytes(), seconds),
        perSecond(p.io().writeBytes(), n.io().writeBytes(), seconds),
        eventsSince(p.memory().oomKills(), n.memory().oomKills()),
        eventsSince(p.pids().forkRefusals(), n.pids().forkRefusals()),
        new ResourceRates.Net(
            perSecond(p.net().rxBytes(), n.net().rxBytes(), seconds),
            perSecond(p.net().rxPackets(), n.net().rxPackets(), seconds),
            perSecond(p.net().txBytes(), n.net().txBytes(), seconds),
            perSecond(p.net().txPackets(), n.net().txPackets(), seconds)),
        new ResourceRates.IoLimitUse(
            overCap(
                perSecond(p.io().limitedReadBytes(), n.io().limitedReadBytes(), seconds),
                n.io().readLimit()),
            overCap(
                perSecond(p.io().limitedWriteBytes(), n.io().limitedWriteBytes(), seconds),
                n.io().writeLimit())));
  }

  private static OptionalDouble overCap(OptionalDouble rate, OptionalLong cap) {
    if (rate.isEmpty() || cap.isEmpty() || cap.getAsLong() <= 0) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of(rate.getAsDouble() / cap.getAsLong());
  }

  /** The increase of a counter, empty when unknown or reset. */
  private static OptionalLong delta(OptionalLong before, OptionalLong after) {
    if (before.isEmpty() || after.isEmpty() || after.getAsLong() < before.getAsLong()) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(after.getAsLong() - before.getAsLong());
  }

  private static OptionalDouble perSecond(OptionalLong before, OptionalLong after, double per) {
    OptionalLong d = delta(before, after);
    return d.isPresent() ? OptionalDouble.of(d.getAsLong() / per) : OptionalDouble.empty();
  }

  /**
   * Events since the previous sample; after a reset the new counter counts from 0, so all of it.
   */
  private static OptionalLong eventsSince(OptionalLong before, OptionalLong after) {
    if (after.isEmpty()) {
      return OptionalLong.empty();
    }
    if (before.isEmpty()) {
      return OptionalLong.empty();
    }
    long d = after.getAsLong() - before.getAsLong();
    return OptionalLong.of(d >= 0 ? d : after.getAsLong());
  }
}
