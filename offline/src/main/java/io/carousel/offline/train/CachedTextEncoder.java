package io.carousel.offline.train;

import io.carousel.engine.text.TextEncoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link TextEncoder} that remembers every vector on disk, so a restart or a second run encodes
 * only new texts.
 *
 * <p>Storage: one append-only file {@code text-embeddings-<modelId>.bin} in the cache directory: an
 * 8-byte header (magic {@code CTE1}, int dim), then records of {@code [32-byte key][dim
 * little-endian floats]}, key = SHA-256 of {@code modelId + "\n" + text}. The file is loaded into a
 * hash map at construction; misses are encoded in batches (with a console progress bar, task
 * "embedding item text"), and each batch is appended and fsynced. A truncated or corrupt tail (a
 * crash mid-append) is cut off with a warning; a file with a foreign header is moved aside to
 * {@code .bad}. Thread-safe: {@link #encode} is synchronized.
 */
public final class CachedTextEncoder implements TextEncoder, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CachedTextEncoder.class);
  private static final int MAGIC = 0x43544531; // "CTE1"
  private static final int HEADER_BYTES = 8;
  private static final int KEY_BYTES = 32;

  /**
   * Texts per call to the wrapped encoder when {@link #CachedTextEncoder(TextEncoder, Path)} is
   * used.
   */
  public static final int DEFAULT_BATCH_SIZE = 64;

  private final TextEncoder inner;
  private final Path file;
  private final int batchSize;
  private final int recordBytes;
  private final Map<Key, float[]> vectors = new HashMap<>();
  private final FileChannel channel;
  private long hits;
  private long misses;

  /**
   * Opens (or creates) the cache for {@code inner} in {@code directory}, batches of {@value
   * #DEFAULT_BATCH_SIZE}.
   *
   * @throws UncheckedIOException if the directory or file cannot be created, read or opened
   */
  public CachedTextEncoder(TextEncoder inner, Path directory) {
    this(inner, directory, DEFAULT_BATCH_SIZE);
  }

  /**
   * Opens (or creates) the cache for {@code inner} in {@code directory}, encoding misses in batches
   * of {@code batchSize} texts.
   *
   * @throws IllegalArgumentException if {@code batchSize < 1}
   * @throws UncheckedIOException if the directory or file cannot be created, read or opened
   */
  public CachedTextEncoder(TextEncoder inner, Path directory, int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1, was " + batchSize);
    }
    this.inner = inner;
    this.batchSize = batchSize;
    this.recordBytes = KEY_BYTES + Float.BYTES * inner.dim();
    this.file = directory.resolve(fileName(inner.modelId()));
    try {
      Files.createDirectories(directory);
      long validBytes = load();
      this.channel =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      if (validBytes < channel.size()) {
        channel.truncate(validBytes);
      }
      if (validBytes == 0) {
        ByteBuffer header =
            ByteBuffer.allocate(HEADER_BYTES).putInt(MAGIC).putInt(inner.dim()).flip();
        channel.write(header, 0);
        channel.force(true);
      }
      channel.position(channel.size());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open text-embedding cache " + file, e);
    }
    LOG.info("text-embedding cache {}: {} vectors of dim {}", file, vectors.size(), inner.dim());
  }

  /**
   * Returns the cache file name for {@code modelId} (characters outside [A-Za-z0-9._-] become '_').
   */
  public static String fileName(String modelId) {
    return "text-embeddings-" + modelId.replaceAll("[^A-Za-z0-9._-]", "_") + ".bin";
  }

  @Override
  public int dim() {
    return inner.dim();
  }

  @Override
  public String modelId() {
    return inner.modelId();
  }

  /**
   * Returns cached vectors, encoding (and persisting) only texts not seen before.
   *
   * @return {@code float[texts.size()][dim()]}, fresh arrays the caller may modify
   * @throws UncheckedIOException if appending to the cache file fails
   * @throws IllegalStateException if the wrapped encoder fails or returns the wrong shape
   */
  @Override
  public synchronized float[][] encode(List<String> texts) {
    Key[] keys = new Key[texts.size()];
    Map<Key, String> missing = new LinkedHashMap<>();
    for (int i = 0; i < keys.length; i++) {
      keys[i] = key(texts.get(i));
      if (!vectors.containsKey(keys[i])) {
        missing.putIfAbsent(keys[i], texts.get(i));
      }
    }
    if (!missing.isEmpty()) {
      encodeAndStore(missing);
    }
    misses += missing.size();
    hits += keys.length - missing.size();
    float[][] out = new float[keys.length][];
    for (int i = 0; i < keys.length; i++) {
      out[i] = vectors.get(keys[i]).clone();
    }
    return out;
  }

  /**
   * Returns how many requested texts were answered from the cache (repeats in one call included).
   */
  public synchronized long hits() {
    return hits;
  }

  /** Returns how many distinct texts were sent to the wrapped encoder. */
  public synchronized long misses() {
    return misses;
  }

  /** Returns the number of vectors held (loaded plus newly encoded). */
  public synchronized int size() {
    return vectors.size();
  }

  /** Returns the cache file. */
  public Path file() {
    return file;
  }

  /**
   * Closes the cache file.
   *
   * @throws UncheckedIOException if closing fails
   */
  @Override
  public synchronized void close() {
    try {
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close " + file, e);
    }
  }

  private void encodeAndStore(Map<Key, String> missing) {
    List<Key> keys = new ArrayList<>(missing.keySet());
    List<String> texts = new ArrayList<>(missing.values());
    try (ProgressBar bar =
        io.carousel.offline.train.Progress.builder("embedding item text", texts.size())
            .setUnit(" texts", 1)
            .showSpeed()
            .build()) {
      for (int from = 0; from < texts.size(); from += batchSize) {
        int to = Math.min(texts.size(), from + batchSize);
        float[][] batch = inner.encode(texts.subList(from, to));
        if (batch.length != to - from) {
          throw new IllegalStateException(
              inner.modelId()
                  + " returned "
                  + batch.length
                  + " vectors for "
                  + (to - from)
                  + " texts");
        }
        append(keys.subList(from, to), batch);
        bar.stepBy(to - from);
      }
    }
  }

  private void append(List<Key> keys, float[][] batch) {
    ByteBuffer buf = ByteBuffer.allocate(recordBytes * keys.size()).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < keys.size(); i++) {
      if (batch[i].length != inner.dim()) {
        throw new IllegalStateException(
            inner.modelId() + " returned " + batch[i].length + " dims, expected " + inner.dim());
      }
      buf.put(keys.get(i).bytes);
      for (float x : batch[i]) {
        buf.putFloat(x);
      }
    }
    buf.flip();
    try {
      while (buf.hasRemaining()) {
        channel.write(buf);
      }
      channel.force(true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to text-embedding cache " + file, e);
    }
    for (int i = 0; i < keys.size(); i++) {
      vectors.put(keys.get(i), batch[i].clone());
    }
  }

  /**
   * Loads whole valid records into {@link #vectors}; returns the byte length to keep (0: rewrite).
   */
  private long load() throws IOException {
    if (!Files.exists(file)) {
      return 0;
    }
    ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file));
    if (buf.remaining() < HEADER_BYTES) {
      LOG.warn("text-embedding cache {} has a truncated header; starting empty", file);
      return 0;
    }
    int magic = buf.getInt();
    int dim = buf.getInt();
    if (magic != MAGIC || dim != inner.dim()) {
      Path aside = file.resolveSibling(file.getFileName() + ".bad");
      LOG.warn(
          "text-embedding cache {} has header magic={} dim={}, expected dim {}; moved to {}",
          file,
          Integer.toHexString(magic),
          dim,
          inner.dim(),
          aside);
      Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
      return 0;
    }
    buf.order(ByteOrder.LITTLE_ENDIAN);
    while (buf.remaining() >= recordBytes) {
      int start = buf.position();
      byte[] key = new byte[KEY_BYTES];
      buf.get(key);
      float[] v = new float[inner.dim()];
      for (int i = 0; i < v.length; i++) {
        v[i] = buf.getFloat();
      }
      if (!isUnitVector(v)) {
        LOG.warn(
            "text-embedding cache {}: corrupt record at byte {}; dropping the rest", file, start);
        return start;
      }
      vectors.put(new Key(key), v);
    }
    if (buf.hasRemaining()) {
      LOG.warn(
          "text-embedding cache {}: ignoring a truncated tail of {} bytes", file, buf.remaining());
    }
    return buf.position();
  }

  // Every stored vector came from a TextEncoder, whose rows are unit-norm by contract.
  private static boolean isUnitVector(float[] v) {
    double sum = 0;
    for (float x : v) {
      if (!Float.isFinite(x)) {
        return false;
      }
      sum += (double) x * x;
    }
    return Math.abs(sum - 1.0) < 1e-3;
  }

  private Key key(String text) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return new Key(sha.digest((inner.modelId() + "\n" + text).getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK ships SHA-256", e);
    }
  }

  /** A SHA-256 digest with value equality. */
  private record Key(byte[] bytes) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && Arrays.equals(bytes, k.bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
      return HexFormat.of().formatHex(bytes);
    }
  }
}
