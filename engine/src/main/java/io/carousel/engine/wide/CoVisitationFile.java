package io.carousel.engine.wide;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * The binary file of {@link CoVisitation}, big-endian ({@link DataOutputStream}): magic {@code
 * "CVIS"}, version {@value #VERSION}, numItems, M, then the cosine and the transition lists, each
 * as {@code nnz}, {@code offsets int[numItems + 1]}, {@code ids int[nnz]}, {@code weights
 * float[nnz]}, and last a CRC-32 (as a long) of every byte before it. Size {@code 16 + 2 · (4 + 4 ·
 * (numItems + 1) + 8 · nnz) + 8} bytes. A codec only: {@link io.carousel.engine.model.ModelFolder}
 * names the file and decides when it is read and written.
 */
public final class CoVisitationFile {
  private static final int MAGIC = 0x43564953; // "CVIS"
  static final int VERSION = 1;

  private CoVisitationFile() {}

  /**
   * Writes {@code file} (through a temporary file and an atomic move): magic, version, sizes, both
   * CSR lists, then a CRC-32 of everything before it.
   *
   * @throws IOException if the file cannot be written
   */
  public static void write(Path file, CoVisitation coVisitation) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    CRC32 crc = new CRC32();
    try (OutputStream raw = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16);
        CheckedOutputStream checked = new CheckedOutputStream(raw, crc);
        DataOutputStream out = new DataOutputStream(checked)) {
      out.writeInt(MAGIC);
      out.writeInt(VERSION);
      out.writeInt(coVisitation.numItems());
      out.writeInt(coVisitation.maxNeighbours());
      writeCsr(out, coVisitation.cosineLists());
      writeCsr(out, coVisitation.nextLists());
      out.flush();
      // The checksum covers everything above; it is written outside the checked stream.
      new DataOutputStream(raw).writeLong(crc.getValue());
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
  }

  private static void writeCsr(DataOutputStream out, CoVisitation.Csr csr) throws IOException {
    out.writeInt(csr.ids().length);
    for (int o : csr.offsets()) {
      out.writeInt(o);
    }
    for (int id : csr.ids()) {
      out.writeInt(id);
    }
    for (float w : csr.weights()) {
      out.writeFloat(w);
    }
  }

  /** Bytes of the file without the neighbour lists: header, both nnz and offsets, checksum. */
  private static long sizeWithoutLists(int numItems) {
    return 16L + 2L * (4L + 4L * (numItems + 1L)) + 8L;
  }

  /**
   * Reads {@code file}. Checks every size in the header against the file's size (and the offsets
   * against the neighbour counts) before allocating anything, so that a damaged header fails with a
   * message instead of an {@link OutOfMemoryError} or a {@link NegativeArraySizeException}.
   *
   * @throws IOException whose message starts with the file, if it is missing, not a regular file,
   *     truncated, of another format or version, fails its checksum, or holds inconsistent sizes,
   *     out-of-range indices or negative weights
   */
  public static CoVisitation read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException(file + (Files.exists(file) ? " is not a regular file" : " is missing"));
    }
    long size = Files.size(file);
    if (size < sizeWithoutLists(0)) {
      throw new IOException(
          file
              + " is truncated: "
              + size
              + " bytes, a co-visitation file has at least "
              + sizeWithoutLists(0));
    }
    CRC32 crc = new CRC32();
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        DataInputStream in = new DataInputStream(new CheckedInputStream(raw, crc))) {
      if (in.readInt() != MAGIC) {
        throw new IOException(file + " is not a co-visitation file (bad magic number)");
      }
      int version = in.readInt();
      if (version != VERSION) {
        throw new IOException(
            file + " has co-visitation format " + version + ", this build reads " + VERSION);
      }
      int numItems = in.readInt();
      int maxNeighbours = in.readInt();
      if (numItems < 0 || maxNeighbours < 1) {
        throw new IOException(file + " is corrupt: numItems " + numItems + ", M " + maxNeighbours);
      }
      long fixed = sizeWithoutLists(numItems);
      if (fixed > size) {
        throw new IOException(
            file
                + " is corrupt: numItems "
                + numItems
                + " needs at least "
                + fixed
                + " bytes, the file has "
                + size);
      }
      // Each neighbour takes 8 bytes (id and weight); the rest of the file is known.
      CoVisitation.Csr cosine = readCsr(in, numItems, (size - fixed) / 8, file);
      long nextNnz = (size - fixed) / 8 - cosine.ids().length;
      CoVisitation.Csr next = readCsr(in, numItems, nextNnz, file);
      if (fixed + 8L * (cosine.ids().length + (long) next.ids().length) != size) {
        throw new IOException(
            file
                + " is corrupt: "
                + size
                + " bytes, but its header and neighbour counts give "
                + (fixed + 8L * (cosine.ids().length + (long) next.ids().length)));
      }
      long expected = crc.getValue();
      long stored = new DataInputStream(raw).readLong();
      if (stored != expected || raw.read() != -1) {
        throw new IOException(file + " is corrupt: checksum mismatch or trailing bytes");
      }
      return CoVisitation.of(numItems, maxNeighbours, cosine, next);
    } catch (EOFException e) {
      throw new IOException(file + " is truncated", e);
    } catch (AccessDeniedException e) {
      throw new IOException(file + " cannot be read (permission denied)", e);
    }
  }

  /**
   * Reads one list of {@code numItems} items and at most {@code maxNnz} neighbours (what the rest
   * of the file can hold), checking the count before allocating.
   */
  private static CoVisitation.Csr readCsr(DataInputStream in, int numItems, long maxNnz, Path file)
      throws IOException {
    int nnz = in.readInt();
    if (nnz < 0 || nnz > maxNnz) {
      throw new IOException(
          file + " is corrupt: " + nnz + " neighbours in a list, the file's size allows " + maxNnz);
    }
    int[] offsets = new int[numItems + 1];
    for (int i = 0; i <= numItems; i++) {
      offsets[i] = in.readInt();
      if ((i == 0 && offsets[0] != 0) || (i > 0 && offsets[i] < offsets[i - 1])) {
        throw new IOException(file + " is corrupt: offsets not ascending from 0 at item " + i);
      }
    }
    if (offsets[numItems] != nnz) {
      throw new IOException(file + " is corrupt: offsets end at " + offsets[numItems] + " != nnz");
    }
    int[] ids = new int[nnz];
    for (int p = 0; p < nnz; p++) {
      ids[p] = in.readInt();
      if (ids[p] < 0 || ids[p] >= numItems) {
        throw new IOException(file + " is corrupt: neighbour id " + ids[p] + " out of range");
      }
    }
    float[] weights = new float[nnz];
    for (int p = 0; p < nnz; p++) {
      weights[p] = in.readFloat();
      if (!(weights[p] >= 0) || Float.isInfinite(weights[p])) {
        throw new IOException(file + " is corrupt: weight " + weights[p]);
      }
    }
    return new CoVisitation.Csr(offsets, ids, weights);
  }
}
