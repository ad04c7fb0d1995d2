package io.carousel.cli;

import io.carousel.offline.data.DataDirs;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options shared by the offline commands ({@code evaluate}, {@code ope}, {@code simulate}). */
final class OfflineOptions {
  @Option(
      names = "--data-root",
      description =
          "Folder holding the datasets (default: $CAROUSEL_DATA_DIR, else ../shared/data).")
  Path dataRoot;

  @Option(names = "--json", description = "Print the JSON result on stdout (progress on stderr).")
  boolean json;

  @Option(names = "--report", description = "Write the JSON result and PNG charts here.")
  Path report;

  /** Returns {@code --data-root}, else the engine's default lookup. */
  Path dataRoot() {
    return dataRoot != null ? dataRoot : DataDirs.dataRoot();
  }
}
