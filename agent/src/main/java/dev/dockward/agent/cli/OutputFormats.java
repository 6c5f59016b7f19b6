package dev.dockward.agent.cli;

import dev.dockward.agent.ship.format.RecordFormat;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;

/** The {@code --output-format} names as picocli lists and completes them: native, ocsf, ecs. */
final class OutputFormats implements Iterable<String> {
  @Override
  public Iterator<String> iterator() {
    return Arrays.stream(RecordFormat.values())
        .map(f -> f.name().toLowerCase(Locale.ROOT))
        .iterator();
  }
}
