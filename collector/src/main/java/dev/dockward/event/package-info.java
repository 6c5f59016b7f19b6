/**
 * The event model: what the sources observed, as immutable records.
 *
 * <p>{@link dev.dockward.event.Event} is sealed: each kind of observation is one record. The JSON
 * contract of a record (the journal, the sinks and the rule engine all see this one shape) is
 * produced by {@link dev.dockward.event.EventDocuments}: the envelope, container and process
 * objects there, the fields of each kind by the kind itself ({@link
 * dev.dockward.event.Event#putFields}).
 */
package dev.dockward.event;
