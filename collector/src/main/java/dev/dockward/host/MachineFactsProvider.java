package dev.dockward.host;

/** Where the machine's facts come from: OSHI on a live host, a fixed value in tests. */
@FunctionalInterface
public interface MachineFactsProvider {
  /** Reads the facts; never throws, a fact that cannot be read is left out. */
  MachineFacts read();
}
