package dev.dockward.audit;

/** The audit subsystem cannot be used here: no privilege, no kernel support, or locked. */
public final class AuditUnavailableException extends Exception {
  private static final long serialVersionUID = 1L;

  public AuditUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  public AuditUnavailableException(String message) {
    super(message);
  }
}
