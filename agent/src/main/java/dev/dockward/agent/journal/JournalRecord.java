package dev.dockward.agent.journal;

/** One journal entry: its Chronicle index (position in the queue) and its JSON text. */
public record JournalRecord(long index, String json) {}
