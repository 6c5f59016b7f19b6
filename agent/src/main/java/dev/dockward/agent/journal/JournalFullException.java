package dev.dockward.agent.journal;

/**
 * The journal's file system has no room for the record: it was not written. The journal logs the
 * start and the end of a full-disk episode once; callers count the refused records.
 */
public final class JournalFullException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public JournalFullException(String message, Throwable cause) {
    super(message, cause);
  }
}
