package io.carousel.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializer;
import akka.serialization.Serializers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import io.carousel.policy.EventType;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Old journal rows read into today's {@link UserProfile.InteractionRecorded} through the real Akka
 * Jackson CBOR serializer and the migration registered in {@code reference.conf}, exactly as a
 * journal plugin hands them over: bytes, serializer id and manifest.
 */
class InteractionRecordedMigrationTest {
  private static final ActorTestKit KIT = ActorTestKit.create("migration");
  private static final Serialization SERIALIZATION = SerializationExtension.get(KIT.system());
  private static final String V1_MANIFEST = UserProfile.InteractionRecorded.class.getName();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper CBOR = new ObjectMapper(new CBORFactory());

  @AfterAll
  static void shutdown() {
    KIT.shutdownTestKit();
  }

  private static int cborSerializerId() {
    try {
      return SERIALIZATION.serializerFor(UserProfile.InteractionRecorded.class).identifier();
    } catch (java.io.NotSerializableException e) {
      throw new AssertionError("no serializer bound for InteractionRecorded", e);
    }
  }

  private static byte[] fixtureAsCbor(String resource) throws IOException {
    try (InputStream in = InteractionRecordedMigrationTest.class.getResourceAsStream(resource)) {
      JsonNode tree = JSON.readTree(in);
      return CBOR.writeValueAsBytes(tree);
    }
  }

  @Test
  void readsVersionOneFixtureWithRenamedAndMissingFields() throws IOException {
    byte[] bytes = fixtureAsCbor("/fixtures/interaction-recorded-v1.json");
    Object event = SERIALIZATION.deserialize(bytes, cborSerializerId(), V1_MANIFEST).get();
    UserProfile.InteractionRecorded read =
        assertInstanceOf(UserProfile.InteractionRecorded.class, event);
    assertEquals(
        new UserProfile.InteractionRecorded(
            "legacy-e1", "item-7", EventType.PURCHASE, 1_764_410_400_000L, null, 0L),
        read);
    assertEquals(1_764_410_400_000L, read.arrivalMs(), "no stored arrival: its event time");
  }

  @Test
  void writesVersionTwoManifestAndReadsItBack() {
    UserProfile.InteractionRecorded today =
        new UserProfile.InteractionRecorded(
            "e-2", "item-3", EventType.CLICK, 1_764_410_401_000L, "u/1", 1_764_410_402_000L);
    Serializer serializer = SERIALIZATION.findSerializerFor(today);
    String manifest = Serializers.manifestFor(serializer, today);
    assertEquals(V1_MANIFEST + "#2", manifest);
    byte[] bytes = SERIALIZATION.serialize(today).get();
    assertEquals(today, SERIALIZATION.deserialize(bytes, serializer.identifier(), manifest).get());
  }

  @Test
  void readsUnversionedRowsOfTodaysShapeUnchanged() throws IOException {
    // Every row Carousel wrote before the migration existed: today's names, manifest without #n.
    UserProfile.InteractionRecorded written =
        new UserProfile.InteractionRecorded(
            "e-3", "item-9", EventType.ADD_TO_CART, 1_764_410_402_000L, "u/4", 0L);
    byte[] bytes = CBOR.writeValueAsBytes(JSON.valueToTree(written));
    assertEquals(written, SERIALIZATION.deserialize(bytes, cborSerializerId(), V1_MANIFEST).get());
  }
}
