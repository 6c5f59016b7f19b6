package dev.dockward.posture;

import java.io.IOException;
import java.util.List;

/**
 * The containers running now, as the daemon reports them; an IOException when it cannot be asked.
 */
@FunctionalInterface
public interface ContainerLister {
  List<AuditedContainer> running() throws IOException;
}
