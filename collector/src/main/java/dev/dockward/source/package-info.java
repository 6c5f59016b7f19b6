/**
 * What a source of events is: {@link dev.dockward.source.Source} pushes {@link
 * dev.dockward.event.Event}s into an {@link dev.dockward.source.EventSink}. The agent wires sources
 * to its pipeline; sources know nothing of rules, journal or shippers.
 */
package dev.dockward.source;
