package dev.dockward.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class NamespaceLinkParserTest {
  @Test
  void inodeIsTheNumberInBrackets() {
    assertEquals(
        OptionalLong.of(4026532329L), NamespaceLinkParser.inode("mnt", "mnt:[4026532329]"));
  }

  @Test
  void targetOfAnotherKindOrMalformedIsEmpty() {
    assertTrue(NamespaceLinkParser.inode("mnt", "net:[4026532333]").isEmpty());
    assertTrue(NamespaceLinkParser.inode("mnt", "mnt:[]").isEmpty());
    assertTrue(NamespaceLinkParser.inode("mnt", "mnt:[12a]").isEmpty());
    assertTrue(NamespaceLinkParser.inode("mnt", "mnt:[0]").isEmpty());
    assertTrue(NamespaceLinkParser.inode("mnt", "/bin/sh").isEmpty());
  }
}
