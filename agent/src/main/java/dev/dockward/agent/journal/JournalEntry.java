package dev.dockward.agent.journal;

import java.util.Optional;

/**
 * One journal entry as stored: its index, the record's JSON text and the chain hash written with it
 * (empty for entries of journals written before the chain existed).
 */
record JournalEntry(long index, String json, Optional<byte[]> hash) {}
