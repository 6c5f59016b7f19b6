/** The {@code dockward} command line (picocli): run, replay, rules, version. */
package dev.dockward.agent.cli;
