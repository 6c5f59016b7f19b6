/**
 * Shipping: each {@link dev.dockward.agent.ship.Shipper} reads the journal with its own cursor and
 * hands records to one {@link dev.dockward.agent.ship.Sink}, which acknowledges each record
 * asynchronously. A shipper commits a journal index only over a contiguous run of acknowledged
 * records and keeps it in its {@link dev.dockward.agent.ship.Checkpoint}; what failed is sent again
 * from the journal. A sink sees only what is already journalled.
 */
package dev.dockward.agent.ship;
