/**
 * The journal: a Chronicle Queue directory holding every event and alert as one JSON text document
 * each, appended before any sink sees it. Shippers and {@code dockward replay} read it.
 */
package dev.dockward.agent.journal;
