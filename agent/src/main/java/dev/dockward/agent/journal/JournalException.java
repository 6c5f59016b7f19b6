package dev.dockward.agent.journal;

/** The journal cannot be opened or written: the agent cannot keep its promise and says so. */
public final class JournalException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public JournalException(String message, Throwable cause) {
    super(message, cause);
  }
}
