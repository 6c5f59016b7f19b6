package dev.dockward.rules;

import java.util.ArrayList;
import java.util.List;
import org.yaml.snakeyaml.DumperOptions.ScalarStyle;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * The text of one rule file as code points, so that positions inside a scalar's parsed value (a CEL
 * error offset) can be traced back to a line and column of the file. SnakeYAML marks count code
 * points, and so do CEL offsets, hence code points throughout.
 */
final class SourceText {
  private final int[] codePoints;
  private final int[] lineStarts;

  SourceText(String text) {
    this.codePoints = text.codePoints().toArray();
    List<Integer> starts = new ArrayList<>();
    starts.add(0);
    for (int i = 0; i < codePoints.length; i++) {
      if (codePoints[i] == '\n') {
        starts.add(i + 1);
      }
    }
    this.lineStarts = starts.stream().mapToInt(Integer::intValue).toArray();
  }

  static Position of(Mark mark) {
    return mark == null ? Position.UNKNOWN : new Position(mark.getLine() + 1, mark.getColumn() + 1);
  }

  static Position of(Node node) {
    return of(node.getStartMark());
  }

  /** Line and column of a code point index in the file. */
  Position position(int index) {
    int lo = 0;
    int hi = lineStarts.length - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (lineStarts[mid] <= index) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return new Position(lo + 1, index - lineStarts[lo] + 1);
  }

  /**
   * Where the character at {@code valueOffset} of a scalar's parsed value sits in the file.
   *
   * <p>Why an alignment and not arithmetic: quoting, escapes, folding and block indentation all
   * shift characters, differently per style. Every non-blank character of the value also appears,
   * in order, in the raw text between the node's marks (escapes aside), so walking both side by
   * side recovers the position exactly for plain, single-quoted and block scalars and closely for
   * double-quoted ones with escapes.
   */
  Position positionIn(ScalarNode node, int valueOffset) {
    int start = node.getStartMark().getIndex();
    int end = Math.min(node.getEndMark().getIndex(), codePoints.length);
    int raw = start;
    ScalarStyle style = node.getScalarStyle();
    if (style == ScalarStyle.SINGLE_QUOTED || style == ScalarStyle.DOUBLE_QUOTED) {
      raw++;
    } else if (style == ScalarStyle.LITERAL || style == ScalarStyle.FOLDED) {
      // The header line (| or > with indicators and maybe a comment) holds no value text.
      while (raw < end && codePoints[raw] != '\n') {
        raw++;
      }
      raw++;
    }
    int[] value = node.getValue().codePoints().toArray();
    int limit = Math.min(valueOffset, value.length);
    for (int i = 0; i <= limit && i < value.length; i++) {
      int c = value[i];
      if (Character.isWhitespace(c)) {
        if (i == limit) {
          break;
        }
        continue;
      }
      int found = -1;
      for (int k = raw; k < end; k++) {
        if (codePoints[k] == c) {
          found = k;
          break;
        }
      }
      if (found < 0) {
        break;
      }
      if (i == limit) {
        return position(found);
      }
      raw = found + 1;
    }
    return position(Math.min(raw, Math.max(start, end - 1)));
  }
}
