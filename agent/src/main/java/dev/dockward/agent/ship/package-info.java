/**
 * Shipping: each {@link dev.dockward.agent.ship.Shipper} reads the journal with its own cursor
 * and hands records to one {@link dev.dockward.agent.ship.Sink} (stdout now; Kafka and files
 * later). A sink sees only what is already journalled.
 */
package dev.dockward.agent.ship;
