package io.carousel.http;

import java.nio.charset.StandardCharsets;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads every cell of every table of an H2 database (through JDBC, not through Akka) and reports
 * the cells holding a string: in text columns as text, in BLOB columns (event and snapshot
 * payloads, Jackson CBOR, which writes strings as UTF-8) as its UTF-8 bytes.
 */
final class JournalScan {
  private JournalScan() {}

  /** Returns {@code "table.column"} of each cell holding {@code needle}, once per cell. */
  static List<String> cellsHolding(Connection c, String needle) throws SQLException {
    byte[] bytes = needle.getBytes(StandardCharsets.UTF_8);
    List<String> tables = new ArrayList<>();
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'PUBLIC'")) {
      while (rs.next()) {
        tables.add(rs.getString(1));
      }
    }
    if (tables.isEmpty()) {
      throw new IllegalStateException("no table in the journal database");
    }
    List<String> hits = new ArrayList<>();
    for (String table : tables) {
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT * FROM \"" + table + "\"")) {
        int columns = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          for (int i = 1; i <= columns; i++) {
            if (indexOf(cellBytes(rs.getObject(i)), bytes) >= 0) {
              hits.add(table + "." + rs.getMetaData().getColumnName(i));
            }
          }
        }
      }
    }
    return hits;
  }

  /** Returns the tables of the database (to show that the scan saw them all). */
  static List<String> tables(Connection c) throws SQLException {
    List<String> tables = new ArrayList<>();
    try (Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'PUBLIC'"
                    + " ORDER BY TABLE_NAME")) {
      while (rs.next()) {
        tables.add(rs.getString(1));
      }
    }
    return tables;
  }

  private static byte[] cellBytes(Object o) throws SQLException {
    if (o == null) {
      return new byte[0];
    }
    if (o instanceof Blob b) {
      return b.getBytes(1, (int) b.length());
    }
    if (o instanceof byte[] a) {
      return a;
    }
    if (o instanceof Clob cl) {
      return cl.getSubString(1, (int) cl.length()).getBytes(StandardCharsets.UTF_8);
    }
    return String.valueOf(o).getBytes(StandardCharsets.UTF_8);
  }

  /** Returns the first index of {@code needle} in {@code hay}, or -1. */
  static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
