package io.carousel.offline.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.carousel.engine.Item;
import io.carousel.engine.text.MiniLmTextEncoder;
import io.carousel.engine.text.TextEncoder;
import io.carousel.engine.text.Vectors;
import io.carousel.offline.data.Dataset;
import io.carousel.offline.data.DatasetReader;
import io.carousel.offline.data.RealData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CachedTextEncoderTest {

  /** A deterministic stand-in for MiniLM: a unit vector derived from the text's hash. */
  private static final class HashEncoder implements TextEncoder {
    final List<String> seen = new ArrayList<>();

    @Override
    public int dim() {
      return 8;
    }

    @Override
    public String modelId() {
      return "hash/8";
    }

    @Override
    public float[][] encode(List<String> texts) {
      seen.addAll(texts);
      float[][] out = new float[texts.size()][];
      for (int i = 0; i < out.length; i++) {
        Random r = new Random(texts.get(i).hashCode());
        float[] v = new float[dim()];
        for (int j = 0; j < v.length; j++) {
          v[j] = (float) r.nextGaussian();
        }
        out[i] = Vectors.normalized(v);
      }
      return out;
    }
  }

  @Test
  void reencodesNothingOnSecondConstructionOverRealItemTexts(@TempDir Path dir) {
    Dataset d = RealData.dataset(DatasetReader.AMAZON_2018_SMALL, "amazon2018-small");
    List<String> texts = d.catalog().items().stream().map(Item::text).toList();
    long distinct = texts.stream().distinct().count();
    MiniLmTextEncoder miniLm = new MiniLmTextEncoder();
    float[][] first;
    try (CachedTextEncoder cache = new CachedTextEncoder(miniLm, dir)) {
      first = cache.encode(texts);
      assertEquals(distinct, cache.misses());
      assertEquals(texts.size() - distinct, cache.hits());
    }
    try (CachedTextEncoder cache = new CachedTextEncoder(miniLm, dir)) {
      assertEquals(distinct, cache.size());
      float[][] second = cache.encode(texts);
      assertEquals(0, cache.misses());
      assertEquals(texts.size(), cache.hits());
      for (int i = 0; i < texts.size(); i++) {
        assertArrayEquals(first[i], second[i], 0f, "item " + i);
      }
    }
    assertTrue(Files.exists(dir.resolve("text-embeddings-all-minilm-l6-v2.bin")));
  }

  @Test
  void encodesEachDistinctTextOnceAcrossCallsAndBatches(@TempDir Path dir) {
    HashEncoder inner = new HashEncoder();
    try (CachedTextEncoder cache = new CachedTextEncoder(inner, dir, 2)) {
      cache.encode(List.of("a", "b", "a", "c", "d"));
      cache.encode(List.of("d", "e"));
      assertEquals(List.of("a", "b", "c", "d", "e"), inner.seen);
      assertEquals(5, cache.misses());
      assertEquals(2, cache.hits());
    }
  }

  @Test
  void ignoresATruncatedTailAndKeepsAppending(@TempDir Path dir) throws IOException {
    HashEncoder inner = new HashEncoder();
    float[][] before;
    try (CachedTextEncoder cache = new CachedTextEncoder(inner, dir)) {
      before = cache.encode(List.of("x", "y"));
    }
    Path file = dir.resolve(CachedTextEncoder.fileName(inner.modelId()));
    long intact = Files.size(file);
    assertEquals(8 + 2 * (32 + 8 * 4), intact);
    // A crash mid-append leaves part of a record behind.
    Files.write(file, new byte[] {1, 2, 3, 4, 5, 6, 7}, StandardOpenOption.APPEND);
    try (CachedTextEncoder cache = new CachedTextEncoder(inner, dir)) {
      assertEquals(2, cache.size());
      assertEquals(intact, Files.size(file), "the torn record is cut off");
      assertArrayEquals(before[1], cache.encode(List.of("y"))[0], 0f);
      cache.encode(List.of("z"));
      assertEquals(1, cache.misses());
    }
    try (CachedTextEncoder cache = new CachedTextEncoder(inner, dir)) {
      assertEquals(3, cache.size());
    }
  }

  @Test
  void startsEmptyWhenTheFileIsNotACache(@TempDir Path dir) throws IOException {
    HashEncoder inner = new HashEncoder();
    Path file = dir.resolve(CachedTextEncoder.fileName(inner.modelId()));
    Files.writeString(file, "this is not an embedding cache", StandardCharsets.UTF_8);
    try (CachedTextEncoder cache = new CachedTextEncoder(inner, dir)) {
      assertEquals(0, cache.size());
      cache.encode(List.of("x"));
      assertEquals(1, cache.misses());
    }
    assertTrue(Files.exists(dir.resolve(file.getFileName() + ".bad")));
  }

  @Test
  void rejectsNonPositiveBatchSize(@TempDir Path dir) {
    assertThrows(
        IllegalArgumentException.class, () -> new CachedTextEncoder(new HashEncoder(), dir, 0));
  }
}
