package dev.dockward.posture;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GroupFileParserTest {
  @Test
  void recordedDockerGroupHasNoMembers() {
    assertEquals(
        Optional.of(List.of()),
        GroupFileParser.members(Fixtures.text("recorded/group-excerpt"), "docker"));
  }

  @Test
  void membersOfExactlyThatGroup() {
    String text = Fixtures.text("synthetic/group-members");
    assertEquals(
        Optional.of(List.of("alice", "bob7", "ci-runner")),
        GroupFileParser.members(text, "docker"));
    assertEquals(Optional.empty(), GroupFileParser.members(text, "dock"));
  }
}
