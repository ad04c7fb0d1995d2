package io.carousel.cli;

import akka.actor.typed.ActorSystem;
import com.typesafe.config.Config;
import io.carousel.http.model.ModelTrainer;
import java.nio.file.Path;
import java.util.function.Function;

/** What {@code carousel serve} wires, for tests in other packages that start a node in-process. */
public final class ServeCommandAccess {
  private ServeCommandAccess() {}

  /** {@link ServeCommand#promotedVersion}. */
  public static Path promotedVersion(Path dataDir) {
    return ServeCommand.promotedVersion(dataDir);
  }

  /** The trainer {@code serve} hands an embedded node. */
  public static Function<ActorSystem<?>, ModelTrainer> trainer(
      Path dataRoot, Path dataDir, String dataset, Config config) {
    return system -> new LivingTrainer(system, dataRoot, dataDir, dataset, config);
  }
}
