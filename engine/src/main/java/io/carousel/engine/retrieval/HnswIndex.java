package io.carousel.engine.retrieval;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.ByteBuffersDirectory;

/**
 * Approximate maximum-inner-product retrieval over unit item vectors with Lucene's in-memory HNSW
 * graph (Malkov and Yashunin, "Efficient and robust approximate nearest neighbor search using
 * Hierarchical Navigable Small World graphs", 2018; Lucene {@code KnnFloatVectorField}, M = 16,
 * beam width 100). An option for catalogues where exact {@link ExactTopK} is too slow; its recall
 * against exact must be measured ({@code carousel bench scoring --hnsw-items}).
 *
 * <p>All items go into one segment (a RAM buffer large enough, never merged), so Lucene's doc id is
 * the item index. Thread-safe for searches; close it to free the reader.
 */
public final class HnswIndex implements AutoCloseable {
  private static final String FIELD = "v";
  private final ByteBuffersDirectory dir;
  private final DirectoryReader reader;
  private final IndexSearcher searcher;

  /**
   * Builds the graph over {@code items} {@code float[numItems · dim]} row-major, rows L2-normalised
   * (Lucene's DOT_PRODUCT similarity requires unit vectors).
   *
   * @throws IllegalArgumentException if a row is not unit length or the shapes disagree
   * @throws UncheckedIOException if Lucene fails
   */
  public HnswIndex(float[] items, int dim) {
    if (dim <= 0 || items.length % dim != 0) {
      throw new IllegalArgumentException("items.length must be a multiple of dim " + dim);
    }
    int n = items.length / dim;
    this.dir = new ByteBuffersDirectory();
    IndexWriterConfig config =
        new IndexWriterConfig().setRAMBufferSizeMB(Math.max(64, 2.0 * items.length * 4 / 1e6 + 64));
    try (IndexWriter writer = new IndexWriter(dir, config)) {
      for (int i = 0; i < n; i++) {
        float[] v = new float[dim];
        System.arraycopy(items, i * dim, v, 0, dim);
        Document doc = new Document();
        doc.add(new KnnFloatVectorField(FIELD, v, VectorSimilarityFunction.DOT_PRODUCT));
        writer.addDocument(doc);
      }
      writer.commit();
      this.reader = DirectoryReader.open(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("building the HNSW index failed", e);
    }
    if (reader.leaves().size() != 1 || reader.maxDoc() != n) {
      throw new IllegalStateException(
          "HNSW index has " + reader.leaves().size() + " segments; doc ids would not be items");
    }
    this.searcher = new IndexSearcher(reader);
  }

  /**
   * Returns the (approximately) {@code k} items of largest {@code query · item}, best first, scores
   * as dot products; {@code query} {@code float[dim]} must be unit length. The graph search keeps
   * {@code max(k, ef)} candidates (HNSW's ef): larger is slower and more exact.
   *
   * @throws UncheckedIOException if Lucene fails
   */
  public TopN search(float[] query, int k, int ef) {
    try {
      TopDocs top = searcher.search(new KnnFloatVectorQuery(FIELD, query, Math.max(k, ef)), k);
      int[] ids = new int[Math.min(k, top.scoreDocs.length)];
      float[] scores = new float[ids.length];
      for (int i = 0; i < ids.length; i++) {
        ScoreDoc d = top.scoreDocs[i];
        ids[i] = d.doc;
        // Lucene's DOT_PRODUCT score is (1 + dot) / 2.
        scores[i] = 2 * d.score - 1;
      }
      return new TopN(ids, scores);
    } catch (IOException e) {
      throw new UncheckedIOException("HNSW search failed", e);
    }
  }

  /** Frees the reader and the in-memory index. */
  @Override
  public void close() {
    try (dir) {
      reader.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
