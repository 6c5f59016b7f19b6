/**
 * Detection in the pipeline: the rule engine behind a reloadable detector, and the decorators that
 * make its alerts fit for a SOC — noise control (dedupe, per-rule and global caps on event time),
 * process ancestry and the host's OS on each alert.
 */
package dev.dockward.agent.detect;
