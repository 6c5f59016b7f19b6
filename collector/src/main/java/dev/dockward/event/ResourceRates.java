package dev.dockward.event;

import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * Figures derived from two consecutive samples of one container. All are empty on a container's
 * first sample, and a rate is empty when its counter went backwards (a reset: the container was
 * restarted) rather than negative.
 *
 * @param intervalSeconds time between the two samples
 * @param cpuCores CPU used over the interval, in cores (1.0 = one core busy all the time)
 * @param cpuFraction {@code cpuCores} over the quota in cores, or over the host's CPUs when
 *     unlimited
 * @param throttledRatio throttled periods over elapsed periods in the interval; empty when no
 *     period elapsed
 * @param pidsGrowthPerSecond growth of the task count per second; 0 when it shrank (never negative)
 * @param ioReadPerSecond block bytes read per second
 * @param ioWritePerSecond block bytes written per second
 * @param oomKillsNew OOM kills since the previous sample (since the start for a container the
 *     sampler saw start); after a reset, the new counter's value
 * @param forkRefusalsNew refused forks since the previous sample, as {@code oomKillsNew}
 * @param net network bytes and packets per second
 * @param ioLimitUse block I/O on the capped devices over their caps
 */
public record ResourceRates(
    OptionalDouble intervalSeconds,
    OptionalDouble cpuCores,
    OptionalDouble cpuFraction,
    OptionalDouble throttledRatio,
    OptionalDouble pidsGrowthPerSecond,
    OptionalDouble ioReadPerSecond,
    OptionalDouble ioWritePerSecond,
    OptionalLong oomKillsNew,
    OptionalLong forkRefusalsNew,
    Net net,
    IoLimitUse ioLimitUse) {

  /** The first sample of a container: nothing to compare with. */
  public static final ResourceRates NONE =
      new ResourceRates(
          OptionalDouble.empty(),
          OptionalDouble.empty(),
          OptionalDouble.empty(),
          OptionalDouble.empty(),
          OptionalDouble.empty(),
          OptionalDouble.empty(),
          OptionalDouble.empty(),
          OptionalLong.empty(),
          OptionalLong.empty(),
          Net.NONE,
          IoLimitUse.NONE);

  /** The cgroup's rates without the network's. */
  public ResourceRates(
      OptionalDouble intervalSeconds,
      OptionalDouble cpuCores,
      OptionalDouble cpuFraction,
      OptionalDouble throttledRatio,
      OptionalDouble pidsGrowthPerSecond,
      OptionalDouble ioReadPerSecond,
      OptionalDouble ioWritePerSecond,
      OptionalLong oomKillsNew,
      OptionalLong forkRefusalsNew) {
    this(
        intervalSeconds,
        cpuCores,
        cpuFraction,
        throttledRatio,
        pidsGrowthPerSecond,
        ioReadPerSecond,
        ioWritePerSecond,
        oomKillsNew,
        forkRefusalsNew,
        Net.NONE,
        IoLimitUse.NONE);
  }

  /**
   * Network bytes and packets per second, received and sent; empty on a reset (an interface went
   * away).
   */
  public record Net(
      OptionalDouble rxBytes,
      OptionalDouble rxPackets,
      OptionalDouble txBytes,
      OptionalDouble txPackets) {
    public static final Net NONE =
        new Net(
            OptionalDouble.empty(),
            OptionalDouble.empty(),
            OptionalDouble.empty(),
            OptionalDouble.empty());

    public Net {
      Objects.requireNonNull(rxBytes, "rxBytes");
      Objects.requireNonNull(rxPackets, "rxPackets");
      Objects.requireNonNull(txBytes, "txBytes");
      Objects.requireNonNull(txPackets, "txPackets");
    }
  }

  public ResourceRates {
    Objects.requireNonNull(intervalSeconds, "intervalSeconds");
    Objects.requireNonNull(cpuCores, "cpuCores");
    Objects.requireNonNull(cpuFraction, "cpuFraction");
    Objects.requireNonNull(throttledRatio, "throttledRatio");
    Objects.requireNonNull(pidsGrowthPerSecond, "pidsGrowthPerSecond");
    Objects.requireNonNull(ioReadPerSecond, "ioReadPerSecond");
    Objects.requireNonNull(ioWritePerSecond, "ioWritePerSecond");
    Objects.requireNonNull(oomKillsNew, "oomKillsNew");
    Objects.requireNonNull(forkRefusalsNew, "forkRefusalsNew");
    Objects.requireNonNull(net, "net");
    Objects.requireNonNull(ioLimitUse, "ioLimitUse");
  }

  /**
   * Bytes per second on the devices with a cap over the sum of their caps; empty without a cap.
   * Throttled I/O is dispatched in slices, so a short interval may measure a little over 1.
   */
  public record IoLimitUse(OptionalDouble readFraction, OptionalDouble writeFraction) {
    public static final IoLimitUse NONE =
        new IoLimitUse(OptionalDouble.empty(), OptionalDouble.empty());

    public IoLimitUse {
      Objects.requireNonNull(readFraction, "readFraction");
      Objects.requireNonNull(writeFraction, "writeFraction");
    }
  }
}
