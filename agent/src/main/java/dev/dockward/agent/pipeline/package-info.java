/**
 * The pipeline: events from the sources are enriched with their container, turned into records of
 * the JSON contract, journalled, and run through the detector, whose alerts are journalled too.
 * Shippers read the journal, never the pipeline.
 */
package dev.dockward.agent.pipeline;
