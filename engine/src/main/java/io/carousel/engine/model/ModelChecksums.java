package io.carousel.engine.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The read side of the model registry ({@code <registry>/models/current} and the checksummed,
 * immutable version folders, ADR 0012): what a serving node needs to load a promoted version
 * without the training modules (the writer, {@code offline.living.ModelRegistry}, uses the same
 * check). Readers need no lock: {@code current} is replaced by an atomic rename and a version
 * folder never changes once written.
 */
public final class ModelChecksums {
  /** The manifest in every version folder: {@code <sha256> <relative path>} per file. */
  public static final String CHECKSUMS = "checksums.sha256";

  /** The file under {@code models/} naming the promoted version. */
  public static final String CURRENT = "current";

  /** The file under {@code models/} naming the challenger version, when there is one. */
  public static final String CHALLENGER = "challenger";

  private static final Pattern VERSION_NAME = Pattern.compile("v([0-9]{1,9})");

  private ModelChecksums() {}

  /**
   * Returns the version named by {@code <registryDir>/models/current}, empty when there is none.
   *
   * @throws IllegalArgumentException when the file holds something other than a version name
   * @throws UncheckedIOException when it cannot be read
   */
  public static Optional<String> currentVersion(Path registryDir) {
    return pointer(registryDir, CURRENT);
  }

  /**
   * Returns the version named by {@code <registryDir>/models/challenger} (served to a share of the
   * users, ADR 0014), empty when there is none.
   */
  public static Optional<String> challengerVersion(Path registryDir) {
    return pointer(registryDir, CHALLENGER);
  }

  private static Optional<String> pointer(Path registryDir, String file) {
    Path p = registryDir.resolve("models").resolve(file);
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

  /** Returns the folder of {@code version} under {@code registryDir}. */
  public static Path folder(Path registryDir, String version) {
    return registryDir.resolve("models").resolve(version);
  }

  /**
   * Returns why {@code folder} fails its manifest (missing manifest, a listed file missing or with
   * another digest, a file not listed), or null when every file matches.
   */
  public static String checksumProblem(Path folder) {
    Path manifest = folder.resolve(CHECKSUMS);
    if (!Files.isRegularFile(manifest)) {
      return "no " + CHECKSUMS + " in " + folder.toAbsolutePath();
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(manifest, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "cannot read " + manifest.toAbsolutePath() + ": " + e.getMessage();
    }
    List<String> listed = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank()) {
        continue;
      }
      int sep = line.indexOf("  ");
      if (sep != 64) {
        return manifest.toAbsolutePath() + " line " + (i + 1) + " is not '<sha256>  <path>'";
      }
      String name = line.substring(sep + 2);
      Path f = folder.resolve(name).normalize();
      if (!f.startsWith(folder.normalize()) || !Files.isRegularFile(f)) {
        return f.toAbsolutePath() + " is missing (listed in " + CHECKSUMS + ")";
      }
      if (!sha256(f).equals(line.substring(0, 64))) {
        return f.toAbsolutePath() + " fails its checksum";
      }
      listed.add(name);
    }
    for (Path f : files(folder)) {
      if (!listed.contains(relative(folder, f))) {
        return f.toAbsolutePath() + " is not in " + CHECKSUMS;
      }
    }
    return null;
  }

  /** Every regular file below {@code folder} but the manifest, sorted by relative path. */
  public static List<Path> files(Path folder) {
    try (Stream<Path> s = Files.walk(folder)) {
      return s.filter(Files::isRegularFile)
          .filter(p -> !p.equals(folder.resolve(CHECKSUMS)))
          .sorted((a, b) -> relative(folder, a).compareTo(relative(folder, b)))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + folder, e);
    }
  }

  /** {@code f}'s path relative to {@code folder}, with forward slashes. */
  public static String relative(Path folder, Path f) {
    return folder.relativize(f).toString().replace('\\', '/');
  }

  /** The hex SHA-256 of {@code f}'s bytes. */
  public static String sha256(Path f) {
    try (InputStream in = Files.newInputStream(f)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + f.toAbsolutePath(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK ships SHA-256", e);
    }
  }
}
