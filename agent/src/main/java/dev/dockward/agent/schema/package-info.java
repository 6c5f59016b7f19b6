/**
 * The published JSON Schema of records, carried in the jar, and the sink decorator that checks
 * every shipped record against it: a record that breaks it is counted, logged once and shipped
 * marked, never silently.
 */
package dev.dockward.agent.schema;
