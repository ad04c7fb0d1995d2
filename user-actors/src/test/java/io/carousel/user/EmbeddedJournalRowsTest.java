package io.carousel.user;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Random;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.result.ResultInterface;
import org.h2.value.ValueBlob;
import org.h2.value.lob.LobDataInMemory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded journal's URL (cluster-conf's {@code persistence-embedded.conf}) keeps a {@code
 * SlateServed}-sized payload in the journal row itself. H2 stores a BLOB over {@code
 * MAX_LENGTH_INPLACE_LOB} (default 256 B) in its LOB maps instead, so each ~1.7 KB {@code
 * SlateServed} commit also wrote the LOB maps' pages (docs/scoring.md, "The SlateServed write").
 */
class EmbeddedJournalRowsTest {
  @TempDir Path dataDir;

  @Test
  void aSlateServedSizedPayloadIsStoredInTheRowNotInTheLobMaps() throws Exception {
    Config db =
        JournalFixture.config(dataDir).getConfig("akka-persistence-jdbc.shared-databases.slick.db");
    byte[] payload = new byte[4_000]; // a SlateServed of 10 slots is ~1.7 KB, k = 20 about 3.4 KB
    new Random(13).nextBytes(payload);
    try (Connection c =
        DriverManager.getConnection(
            db.getString("url"), db.getString("user"), db.getString("password"))) {
      try (Statement s = c.createStatement()) {
        s.execute("RUNSCRIPT FROM 'classpath:/schema/h2/h2-create-schema.sql'");
      }
      try (PreparedStatement p =
          c.prepareStatement(
              "INSERT INTO \"event_journal\" (\"persistence_id\", \"sequence_number\", \"writer\","
                  + " \"write_timestamp\", \"adapter_manifest\", \"event_payload\","
                  + " \"event_ser_id\", \"event_ser_manifest\") VALUES (?, 1, 'w', 0, '', ?, 33,"
                  + " 'io.carousel.user.UserProfile$SlateServed')")) {
        p.setString(1, "UserProfile|alice");
        p.setBytes(2, payload); // as akka-persistence-jdbc's Slick insert does
        p.executeUpdate();
      }
      try (Statement s = c.createStatement();
          ResultSet r = s.executeQuery("SELECT \"event_payload\" FROM \"event_journal\"")) {
        r.next();
        assertArrayEquals(payload, r.getBytes(1));
      }
      SessionLocal session = (SessionLocal) c.unwrap(JdbcConnection.class).getSession();
      ResultInterface rows =
          session.prepareLocal("SELECT \"event_payload\" FROM \"event_journal\"").query(1);
      rows.next();
      ValueBlob blob = (ValueBlob) rows.currentRow()[0];
      assertInstanceOf(LobDataInMemory.class, blob.getLobData(), "stored in the row");
    }
  }
}
