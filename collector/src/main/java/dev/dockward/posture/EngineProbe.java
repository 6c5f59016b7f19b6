package dev.dockward.posture;

import java.io.IOException;

/**
 * What the Docker Engine says of itself ({@code GET /version}, {@code GET /info}); an IOException
 * when it cannot be asked.
 */
@FunctionalInterface
public interface EngineProbe {
  EngineFacts engine() throws IOException;
}
