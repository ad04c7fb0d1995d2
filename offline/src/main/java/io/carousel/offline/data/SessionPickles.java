package io.carousel.offline.data;

import io.carousel.engine.Item;
import io.carousel.policy.EventType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import net.razorvine.pickle.Unpickler;

/**
 * The session-based benchmark files of SR-GNN (Wu et al., AAAI 2019) and GCE-GNN (Wang et al.,
 * SIGIR 2020) for DIGINETICA and Tmall: {@code all_train_seq.txt}, a pickled {@code
 * list[list[int]]} of training sessions, and {@code test.txt}, a pickled {@code (prefixes, labels)}
 * of augmented test cases (each test session {@code [i1..in]} gives {@code ([i1..in-1], in)}, then
 * {@code ([i1..in-2], in-1)}, ... down to a one-item prefix). Item ids are {@code 1..numItems}.
 *
 * <p>Only the exact published blobs are unpickled: each file's sha256 is checked first (a pickle
 * can run code), and Pyrolite's {@link Unpickler} builds plain lists of numbers from them.
 *
 * @param train training sessions, item ids in click order
 * @param prefixes test prefixes, in file order
 * @param labels the next item of each prefix
 * @param numItems the largest item id (ids are {@code 1..numItems})
 */
public record SessionPickles(List<int[]> train, List<int[]> prefixes, int[] labels, int numItems) {
  /** DIGINETICA (CIKM Cup 2016) as preprocessed by SR-GNN, shipped in GCE-GNN. */
  public static final String DIGINETICA = "diginetica-gcegnn";

  /** Tmall (IJCAI-15) as preprocessed by GCE-GNN. */
  public static final String TMALL = "tmall-gcegnn";

  static final String TRAIN = "all_train_seq.txt";
  static final String TEST = "test.txt";

  private static final String ORIGIN =
      "SR-GNN/GCE-GNN preprocessed sessions from https://github.com/CCIIPLab/GCE-GNN datasets/"
          + " (commit 212575302e42d64b8cf0b9ffe1b71b0db398d5be) — research use only; set"
          + " CAROUSEL_DATA_DIR";

  /** sha256 of (train, test) per dataset, from each folder's PROVENANCE.md. */
  private static final Map<String, String[]> SHA256 =
      Map.of(
          DIGINETICA,
          new String[] {
            "55694865221c682aaa9df6cd5a4ddccff5de902334df5605c5767ee464e11365",
            "b2b81f9cb22feb2174feeb3e678b9de5e41ff1653bf23cdaf9046e5404f002ff"
          },
          TMALL,
          new String[] {
            "40219a3222bc575e7061bd665c6dcaa4af3c37a8f8975868689ae0375b765d9c",
            "7813a743324943488c37efa35b511ec649dfcd7697f28f33dcb3d18420d3da5d"
          });

  /**
   * Reads dataset {@code name} ({@link #DIGINETICA} or {@link #TMALL}) from {@code dir}.
   *
   * @throws DatasetMissingException when a file is absent
   * @throws IllegalStateException when a file's sha256 differs from the published blob's or its
   *     content is not the expected shape
   * @throws UncheckedIOException if a file cannot be read
   */
  public static SessionPickles read(Path dir, String name) {
    String[] sha = SHA256.get(name);
    if (sha == null) {
      throw new IllegalArgumentException("not a session pickle dataset: " + name);
    }
    List<int[]> train = sessions(load(dir.resolve(TRAIN), sha[0]), TRAIN);
    Object test = load(dir.resolve(TEST), sha[1]);
    if (!(test instanceof Object[] pair) || pair.length != 2) {
      throw new IllegalStateException(dir.resolve(TEST) + ": expected a (prefixes, labels) tuple");
    }
    List<int[]> prefixes = sessions(pair[0], TEST);
    int[] labels = ints(pair[1], TEST);
    if (labels.length != prefixes.size()) {
      throw new IllegalStateException(
          dir.resolve(TEST)
              + ": "
              + prefixes.size()
              + " prefixes but "
              + labels.length
              + " labels");
    }
    int max = 0;
    for (int[] s : train) {
      for (int i : s) {
        max = Math.max(max, i);
      }
    }
    for (int i : labels) {
      max = Math.max(max, i);
    }
    return new SessionPickles(train, prefixes, labels, max);
  }

  /**
   * Returns the whole test sessions the augmented cases were cut from: a new session starts at the
   * first case and after every one-item prefix; each is its first (longest) prefix plus its label.
   */
  public List<int[]> testSessions() {
    List<int[]> out = new ArrayList<>();
    for (int k = 0; k < prefixes.size(); k++) {
      if (k == 0 || prefixes.get(k - 1).length == 1) {
        int[] p = prefixes.get(k);
        int[] s = java.util.Arrays.copyOf(p, p.length + 1);
        s[p.length] = labels[k];
        out.add(s);
      }
    }
    return out;
  }

  /**
   * Adds the sessions to {@code log} as users ({@code train-<k>}, then {@code test-<k>}: the test
   * sessions are the later ones), one {@link EventType#VIEW} per click, one millisecond apart in
   * click order; every item id {@code 1..numItems} is described (no text).
   */
  void addTo(LogBuilder log) {
    long t = 0;
    int k = 0;
    for (int[] s : train) {
      String user = "train-" + k++;
      for (int i : s) {
        log.add(new Interaction(user, Integer.toString(i), EventType.VIEW, t++));
      }
    }
    k = 0;
    for (int[] s : testSessions()) {
      String user = "test-" + k++;
      for (int i : s) {
        log.add(new Interaction(user, Integer.toString(i), EventType.VIEW, t++));
      }
    }
    for (int i = 1; i <= numItems; i++) {
      log.describe(new Item(Integer.toString(i), "", ""));
    }
  }

  private static Object load(Path file, String sha256) {
    if (!Files.isRegularFile(file)) {
      throw new DatasetMissingException(file, ORIGIN);
    }
    try {
      byte[] bytes = Files.readAllBytes(file);
      String actual = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
      if (!actual.equals(sha256)) {
        throw new IllegalStateException(
            file
                + ": sha256 "
                + actual
                + " is not the published file's "
                + sha256
                + "; refusing to unpickle it");
      }
      try (InputStream in = new java.io.ByteArrayInputStream(bytes)) {
        return new Unpickler().load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<int[]> sessions(Object o, String file) {
    if (!(o instanceof List<?> list)) {
      throw new IllegalStateException(file + ": expected a list of sessions");
    }
    List<int[]> out = new ArrayList<>(list.size());
    for (Object s : list) {
      out.add(ints(s, file));
    }
    return out;
  }

  private static int[] ints(Object o, String file) {
    if (!(o instanceof List<?> list)) {
      throw new IllegalStateException(file + ": expected a list of item ids");
    }
    int[] out = new int[list.size()];
    for (int k = 0; k < out.length; k++) {
      if (!(list.get(k) instanceof Number n) || n.intValue() < 1) {
        throw new IllegalStateException(file + ": expected positive item ids, got " + list.get(k));
      }
      out[k] = n.intValue();
    }
    return out;
  }
}
