package io.carousel.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.carousel.offline.data.DatasetReader;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Options shared by {@code serve} and {@code demo}: where to listen, persist and read data,
 * including a shop's own log ({@code --dataset file:<path>} with {@link FileDatasetOptions}).
 */
public final class NodeOptions {
  @Option(names = "--host", description = "HTTP interface (default: 127.0.0.1).")
  String host;

  @Option(names = "--port", description = "HTTP port (default: 8080; 0 = any free port).")
  Integer port;

  @Option(
      names = "--data-dir",
      defaultValue = "carousel-data",
      description = "Journal, models and caches (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--persistence",
      defaultValue = "embedded",
      description = "embedded (H2 file, default) or cassandra.")
  String persistence;

  @Option(
      names = "--config",
      defaultValue = "carousel",
      description =
          "Node configuration on the classpath: carousel (default), local1, local2, local3.")
  String config;

  // No picocli default: serve needs to know whether --dataset was given (it conflicts with
  // --model); toConfig() fills in DEFAULT_DATASET.
  @Option(
      names = "--dataset",
      completionCandidates = KnownDatasets.class,
      description =
          "Dataset under the data root, one of: ${COMPLETION-CANDIDATES} (default: "
              + DEFAULT_DATASET
              + "); or a shop's own log: file:<path>.")
  String dataset;

  /** The dataset when no {@code --dataset} is given. */
  static final String DEFAULT_DATASET = DatasetReader.AMAZON_2018_SMALL;

  private boolean datasetGiven;

  @Mixin FileDatasetOptions file;

  private boolean folded;

  @Mixin PrivacyOptions privacy;

  @Option(
      names = "--data-root",
      description =
          "Folder holding the datasets (default: $CAROUSEL_DATA_DIR, else ../shared/data).")
  Path dataRoot;

  /**
   * Builds the node's configuration: command-line overrides, then the persistence file, then the
   * node file ({@code carousel.conf} or {@code localN.conf}), then the modules' reference.conf.
   *
   * <p>Also folds the {@code file:} dataset options into {@link #dataset}.
   *
   * @throws IllegalArgumentException for an unknown persistence or config name, a port outside
   *     0..65535, or file options without {@code --dataset file:}
   */
  public Config toConfig() {
    // Commands read `dataset` after toConfig(); folding here gives them the full file: name.
    if (!folded) {
      datasetGiven = dataset != null;
      dataset = file.fold(datasetGiven ? dataset : DEFAULT_DATASET);
      folded = true;
    }
    if (!persistence.equals("embedded") && !persistence.equals("cassandra")) {
      throw new IllegalArgumentException(
          "--persistence must be embedded or cassandra, got '" + persistence + "'");
    }
    if (getClass().getClassLoader().getResource(config + ".conf") == null) {
      throw new IllegalArgumentException(
          "--config " + config + ": no " + config + ".conf on the classpath (carousel, local1..3)");
    }
    Map<String, Object> overrides = new HashMap<>();
    overrides.put("carousel.data-dir", dataDir.toAbsolutePath().toString());
    if (host != null) {
      overrides.put("carousel.http.host", host);
    }
    if (port != null) {
      // Checked here, before a model is trained: out of range, the bind failed only after it.
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException(
            "--port must be in 0..65535 (0 = any free port), got " + port);
      }
      overrides.put("carousel.http.port", port);
    }
    return privacy.apply(
        ConfigFactory.parseMap(overrides)
            .withFallback(ConfigFactory.systemProperties())
            .withFallback(ConfigFactory.parseResources("persistence-" + persistence + ".conf"))
            .withFallback(ConfigFactory.parseResources(config + ".conf"))
            .withFallback(ConfigFactory.defaultReference())
            .resolve());
  }

  /** Returns true when {@code --dataset} was given on the command line (valid after toConfig). */
  boolean datasetGiven() {
    return datasetGiven;
  }

  /** Returns the data root: {@code --data-root}, else the engine's default lookup. */
  public Path dataRoot() {
    return dataRoot != null ? dataRoot : io.carousel.offline.data.DataDirs.dataRoot();
  }
}
