package dev.dockward.agent.detect;

import dev.dockward.agent.config.AgentConfig;
import dev.dockward.agent.pipeline.Detector;

/**
 * The stages every rule verdict passes, the same live and in replay so that a replay prints what
 * the agent would have: miner correlation, then noise control.
 */
public final class AlertStages {
  private AlertStages() {}

  /** The rules behind the miner correlation and the configured noise control. */
  public static Detector over(Detector rules, AgentConfig.Alerts alerts) {
    // Miner signals before noise control: the correlation sees every signal the rules raise.
    return new AlertThrottle(
        new MinerSignalDetector(rules),
        alerts.dedupeWindow(),
        alerts.rulePerMinute(),
        alerts.globalPerMinute());
  }
}
