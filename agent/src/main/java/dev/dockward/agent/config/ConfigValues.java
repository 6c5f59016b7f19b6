package dev.dockward.agent.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.dockward.agent.ship.OutputFormat;
import dev.dockward.agent.ship.format.RecordFormat;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * How the configuration's typed values are read from their text, once, at load: durations ({@code
 * 250ms}, {@code 7d}), sizes ({@code 2GiB}) and the names of formats. A value that does not read is
 * an error at its key and line (see {@link ConfigLoader}).
 */
final class ConfigValues {
  private ConfigValues() {}

  static SimpleModule module() {
    SimpleModule m = new SimpleModule("dockward-config");
    m.addDeserializer(Duration.class, reading(Duration.class, Durations::parse));
    m.addDeserializer(
        ByteSize.class, reading(ByteSize.class, text -> new ByteSize(positiveSize(text))));
    m.addDeserializer(
        OutputFormat.class,
        reading(
            OutputFormat.class,
            named(
                Map.of("jsonl", OutputFormat.JSONL, "text", OutputFormat.TEXT),
                "must be jsonl or text")));
    m.addDeserializer(
        RecordFormat.class,
        reading(
            RecordFormat.class,
            named(
                Map.of(
                    "native",
                    RecordFormat.NATIVE,
                    "ocsf",
                    RecordFormat.OCSF,
                    "ecs",
                    RecordFormat.ECS),
                "must be native, ocsf or ecs")));
    m.addDeserializer(
        AgentConfig.RollCycle.class,
        reading(
            AgentConfig.RollCycle.class,
            text ->
                named(
                        Map.of(
                            "hourly",
                            AgentConfig.RollCycle.HOURLY,
                            "daily",
                            AgentConfig.RollCycle.DAILY),
                        "must be hourly or daily")
                    .apply(text.toLowerCase(Locale.ROOT))));
    // YAML's true and false arrive as booleans; their text is the same as the quoted words.
    m.addDeserializer(
        AgentConfig.StdoutMode.class,
        reading(
            AgentConfig.StdoutMode.class,
            named(
                Map.of(
                    "auto",
                    AgentConfig.StdoutMode.AUTO,
                    "true",
                    AgentConfig.StdoutMode.ON,
                    "false",
                    AgentConfig.StdoutMode.OFF),
                "must be auto, true or false")));
    return m;
  }

  /** Bytes, more than 0. */
  private static long positiveSize(String text) {
    long bytes;
    try {
      bytes = Sizes.parse(text);
    } catch (IllegalArgumentException e) {
      bytes = 0;
    }
    if (bytes <= 0) {
      throw new IllegalArgumentException(
          "must be a size such as 512MiB or 2GiB, not '" + text + "'");
    }
    return bytes;
  }

  /** One of {@code names}, written exactly so. */
  private static <T> Function<String, T> named(Map<String, T> names, String expected) {
    return text -> {
      T value = names.get(text);
      if (value == null) {
        throw new IllegalArgumentException(expected + ", not '" + text + "'");
      }
      return value;
    };
  }

  /** A scalar read by {@code parse}; what it refuses is reported as the key's invalid value. */
  private static <T> JsonDeserializer<T> reading(Class<T> type, Function<String, T> parse) {
    return new JsonDeserializer<>() {
      @Override
      public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        if (!p.hasToken(JsonToken.VALUE_STRING) && !p.currentToken().isScalarValue()) {
          return type.cast(ctxt.handleUnexpectedToken(type, p));
        }
        String text = p.getText();
        try {
          return parse.apply(text);
        } catch (IllegalArgumentException e) {
          throw InvalidFormatException.from(p, e.getMessage(), text, type);
        }
      }
    };
  }
}
