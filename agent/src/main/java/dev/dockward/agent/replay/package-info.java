/**
 * Reading a journal back for a responder: which records (time range, container, kind, type, rule,
 * severity), seeking to the start time without reading what comes before, and re-running a rule set
 * over recorded events.
 */
package dev.dockward.agent.replay;
