/**
 * What a sink writes: the native record, or an alert mapped to OCSF (Detection Finding, class 2004)
 * or to ECS, so a SIEM ingests it natively. The journal always holds the native record.
 */
package dev.dockward.agent.ship.format;
