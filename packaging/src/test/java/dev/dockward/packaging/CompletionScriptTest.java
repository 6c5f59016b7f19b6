package dev.dockward.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bash completion DebDocs writes for the package, loaded into a real bash and asked what it
 * offers after a few command lines, as bash-completion would ask it on TAB.
 */
class CompletionScriptTest {
  @TempDir Path dir;

  private Path script() throws IOException {
    DebDocs.main(new String[] {dir.toString(), "0.1.0-SNAPSHOT", "1"});
    Path script = dir.resolve("completion/dockward");
    assertTrue(Files.isRegularFile(script), "DebDocs writes completion/dockward");
    return script;
  }

  /** What the script offers for {@code line} (words so far, the last one being completed). */
  private static List<String> complete(Path script, String line) throws Exception {
    String[] words = line.split(" ", -1);
    StringBuilder array = new StringBuilder();
    for (String w : words) {
      array.append('"').append(w).append("\" ");
    }
    String bash =
        "source '"
            + script
            + "'\n"
            + "COMP_WORDS=("
            + array
            + "); COMP_CWORD="
            + (words.length - 1)
            + "; COMP_LINE='"
            + line
            + "'; "
            + "COMP_POINT=${#COMP_LINE}\n"
            + "_complete_dockward 2>/dev/null\n"
            + "printf '%s\\n' \"${COMPREPLY[@]}\"\n";
    Process p = new ProcessBuilder("bash", "--norc", "-c", bash).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    return Arrays.stream(out.split("\n"))
        .map(String::strip)
        .filter(s -> !s.isEmpty())
        .sorted()
        .toList();
  }

  @Test
  void commandsSubcommandsAndTheValuesOfEnumOptionsComplete() throws Exception {
    Path script = script();
    assertTrue(
        complete(script, "dockward ")
            .containsAll(List.of("run", "replay", "rules", "posture", "config", "version")),
        complete(script, "dockward ").toString());
    assertEquals(List.of("check", "list", "show", "test"), complete(script, "dockward rules "));
    assertEquals(List.of("jsonl", "text"), complete(script, "dockward replay --format "));
    assertEquals(List.of("jsonl", "text"), complete(script, "dockward run --format "));
    assertEquals(
        List.of("ecs", "native", "ocsf"), complete(script, "dockward replay --output-format "));
    assertEquals(List.of("alerts", "all", "events"), complete(script, "dockward replay --kind "));
    assertEquals(
        List.of("critical", "high", "info", "low", "medium"),
        complete(script, "dockward posture --fail-on "));
    assertTrue(
        complete(script, "dockward replay --t")
            .containsAll(List.of("--tail", "--timeline", "--tree", "--type")),
        complete(script, "dockward replay --t").toString());
  }
}
