package dev.dockward.rules;

/** A 1-based line and column in a rule file; 0 means unknown. */
record Position(int line, int column) {
  static final Position UNKNOWN = new Position(0, 0);
}
