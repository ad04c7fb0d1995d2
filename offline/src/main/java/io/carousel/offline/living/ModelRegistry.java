package io.carousel.offline.living;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.carousel.engine.model.ModelChecksums;
import io.carousel.engine.model.ModelFolder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The versioned models of a data directory (ADR 0012):
 *
 * <pre>
 * D/models/v1/ ... vN/     model folders as TrainingPipeline writes them, plus
 *                          version.json (what it was trained on) and checksums.sha256
 * D/models/current         one line "vN": the promoted version (replaced by an atomic rename)
 * D/models/decisions.json  every gate decision, oldest first (replaced by an atomic rename)
 * </pre>
 *
 * Folders written by {@code serve}/{@code demo} ({@code <dataset>-<fingerprint>}) stay where they
 * are; before the first promotion the newest of them is the serving model.
 */
public final class ModelRegistry {
  /** The pointer file's name. */
  public static final String CURRENT = "current";

  /** The decision log's name. */
  public static final String DECISIONS = "decisions.json";

  /** Each version folder's manifest: {@code sha256sum} format, paths relative to the folder. */
  public static final String CHECKSUMS = "checksums.sha256";

  /** Each version folder's description (base dataset, counts, time range). */
  public static final String VERSION = "version.json";

  private static final Pattern VERSION_NAME = Pattern.compile("v([0-9]{1,9})");

  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Path models;

  /** The registry under {@code dataDir/models}. */
  public ModelRegistry(Path dataDir) {
    this.models = dataDir.resolve("models");
  }

  /** Returns {@code dataDir/models}. */
  public Path models() {
    return models;
  }

  /** Returns the folder of version {@code name} ({@code vN}). */
  public Path folder(String name) {
    return models.resolve(name);
  }

  /** Returns the next free version name: one above the highest {@code vN} folder or decision. */
  public String nextVersion() {
    int max = 0;
    if (Files.isDirectory(models)) {
      try (Stream<Path> s = Files.list(models)) {
        for (Path p : s.toList()) {
          Matcher m = VERSION_NAME.matcher(p.getFileName().toString());
          if (m.matches()) {
            max = Math.max(max, Integer.parseInt(m.group(1)));
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list " + models, e);
      }
    }
    for (JsonNode d : decisions()) {
      Matcher m = VERSION_NAME.matcher(d.path("version").asText(""));
      if (m.matches()) {
        max = Math.max(max, Integer.parseInt(m.group(1)));
      }
    }
    return "v" + (max + 1);
  }

  /** Returns the promoted version's name, if any. */
  public Optional<String> currentVersion() {
    Path p = models.resolve(CURRENT);
    if (!Files.isRegularFile(p)) {
      return Optional.empty();
    }
    try {
      String name = Files.readString(p, StandardCharsets.UTF_8).trim();
      if (!VERSION_NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            p.toAbsolutePath() + " holds '" + name + "', not a version name like v3");
      }
      return Optional.of(name);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + p, e);
    }
  }

  /**
   * Returns the model folder that serves now: the promoted version, else the newest folder with a
   * {@code model-meta.json} that {@code serve} or {@code demo} trained; empty when there is none.
   */
  public Optional<Path> servingModel() {
    Optional<String> current = currentVersion();
    if (current.isPresent()) {
      return Optional.of(folder(current.get()));
    }
    if (!Files.isDirectory(models)) {
      return Optional.empty();
    }
    try (Stream<Path> s = Files.list(models)) {
      return s.filter(p -> !VERSION_NAME.matcher(p.getFileName().toString()).matches())
          .filter(p -> !p.getFileName().toString().endsWith(".tmp"))
          // A retrain's pipeline folder, moved to its vN at once (one left by a crash is no model).
          .filter(p -> !p.getFileName().toString().startsWith("file-live-"))
          .filter(p -> Files.isRegularFile(p.resolve(ModelFolder.META)))
          .max(
              (a, b) ->
                  Long.compare(
                      modified(a.resolve(ModelFolder.META)),
                      modified(b.resolve(ModelFolder.META))));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + models, e);
    }
  }

  private static long modified(Path p) {
    try {
      return Files.getLastModifiedTime(p).toMillis();
    } catch (IOException e) {
      return 0;
    }
  }

  /**
   * Writes {@link #CHECKSUMS} into {@code folder}: the SHA-256 of every regular file below it
   * (sorted by relative path, the manifest itself left out).
   */
  public static void writeChecksums(Path folder) {
    StringBuilder out = new StringBuilder();
    for (Path f : files(folder)) {
      out.append(sha256(f)).append("  ").append(relative(folder, f)).append('\n');
    }
    writeAtomically(folder.resolve(CHECKSUMS), out.toString());
  }

  /**
   * Returns why {@code folder} fails its manifest (missing manifest, a listed file missing or with
   * another digest, a file not listed), or null when every file matches.
   */
  public static String checksumProblem(Path folder) {
    return ModelChecksums.checksumProblem(folder);
  }

  /**
   * Points {@link #CURRENT} at {@code version}, after verifying its checksums (a temporary file
   * renamed over the old pointer, so a reader sees the old or the new version, never a part).
   *
   * @throws IllegalStateException when the folder fails its checksums
   */
  public void promote(String version) {
    String problem = checksumProblem(folder(version));
    if (problem != null) {
      throw new IllegalStateException("not promoting " + version + ": " + problem);
    }
    writeAtomically(models.resolve(CURRENT), version + "\n");
  }

  /**
   * Returns the version a rollback would make current: the promoted version before the current one,
   * versions already rolled back from left out (so rolling back twice goes two versions back);
   * empty when there is none.
   */
  public Optional<String> previousPromoted() {
    Optional<String> current = currentVersion();
    if (current.isEmpty()) {
      return Optional.empty();
    }
    List<JsonNode> all = decisions();
    java.util.Set<String> rolledBackFrom = new java.util.HashSet<>();
    for (JsonNode d : all) {
      if ("rolled-back".equals(d.path("decision").asText())) {
        rolledBackFrom.add(d.path("from").asText());
      }
    }
    List<String> promoted = new ArrayList<>();
    for (JsonNode d : all) {
      String v = d.path("version").asText();
      if ("promoted".equals(d.path("decision").asText())
          && !rolledBackFrom.contains(v)
          && !promoted.contains(v)) {
        promoted.add(v);
      }
    }
    int at = promoted.indexOf(current.get());
    return at > 0 ? Optional.of(promoted.get(at - 1)) : Optional.empty();
  }

  /**
   * Points {@link #CURRENT} at {@link #previousPromoted()} (checksums verified, as {@link
   * #promote}) and records a {@code rolled-back} decision naming both versions.
   *
   * @return the recorded decision
   * @throws IllegalStateException when there is no earlier promoted version, or its folder fails
   *     its checksums (current is then unchanged)
   */
  public synchronized ObjectNode rollback() {
    String from = currentVersion().orElse(null);
    String to =
        previousPromoted()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        from == null
                            ? "no current version to roll back from"
                            : "no promoted version before " + from + " to roll back to"));
    promote(to);
    ObjectNode d = JSON.createObjectNode();
    d.put("version", to);
    d.put("decidedAt", java.time.Instant.now().toString());
    d.put("servingVersion", from);
    d.put("from", from);
    d.put("decision", "rolled-back");
    d.put("reason", "rollback from " + from + " to " + to);
    record(d);
    return d;
  }

  /** Returns the recorded decisions, oldest first (empty when there is no log yet). */
  public List<JsonNode> decisions() {
    Path p = models.resolve(DECISIONS);
    if (!Files.isRegularFile(p)) {
      return List.of();
    }
    try {
      JsonNode root = JSON.readTree(p.toFile());
      List<JsonNode> out = new ArrayList<>();
      root.forEach(out::add);
      return out;
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read " + p.toAbsolutePath() + ": " + e.getMessage() + "; move it aside", e);
    }
  }

  /** Appends {@code decision} to {@link #DECISIONS} (the whole log rewritten and renamed). */
  public void record(ObjectNode decision) {
    ArrayNode all = JSON.createArrayNode();
    decisions().forEach(all::add);
    all.add(decision);
    try {
      Files.createDirectories(models);
      writeAtomically(models.resolve(DECISIONS), JSON.writeValueAsString(all) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + models.resolve(DECISIONS), e);
    }
  }

  /** Writes {@code text} to a temporary sibling and renames it over {@code target}. */
  static void writeAtomically(Path target, String text) {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    try {
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      try {
        Files.move(
            tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target.toAbsolutePath(), e);
    }
  }

  private static List<Path> files(Path folder) {
    return ModelChecksums.files(folder);
  }

  private static String relative(Path folder, Path f) {
    return ModelChecksums.relative(folder, f);
  }

  static String sha256(Path f) {
    return ModelChecksums.sha256(f);
  }
}
