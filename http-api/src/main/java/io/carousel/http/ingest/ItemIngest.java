package io.carousel.http.ingest;

import akka.actor.typed.ActorSystem;
import akka.http.javadsl.model.HttpResponse;
import io.carousel.engine.Catalog;
import io.carousel.engine.LiveItems;
import io.carousel.http.Json;
import io.carousel.http.Problem;
import io.carousel.user.Catalogue;
import io.carousel.user.ItemAvailability;
import io.carousel.user.ModelHandle;
import io.carousel.user.ModelView;
import io.carousel.user.ServingModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code PUT /v1/items} (one JSON item or an NDJSON batch of at most {@link
 * EventIngest#MAX_BATCH_LINES} lines) and {@code DELETE /v1/items/{id}}: valid lines go to the
 * {@link Catalogue} as durable upserts; invalid lines are rejected one by one.
 *
 * <p>The catalogue entity may live on another node, so one {@link Catalogue.Upsert} must stay well
 * under Artery's 256 KiB frame: the valid lines are sent in order as consecutive upserts of at most
 * {@link #MAX_UPSERT_BYTES} (estimated), each persisted before the next is sent, and the request
 * answers 200 only when all are. A failure part-way leaves the earlier parts stored; upserts are
 * idempotent, so the client retries the whole batch.
 */
public final class ItemIngest {
  /**
   * Budget of one {@link Catalogue.Upsert}, bytes of CBOR as estimated by {@link #estimate}: half
   * the 256 KiB frame. One item of max-length fields (3-byte characters) estimates at about 34 KB,
   * so it always fits.
   */
  static final int MAX_UPSERT_BYTES = 128 * 1024;

  /** Per-line result on the wire. */
  public record LineResult(int line, String itemId, String status, String field, String detail) {}

  /** Result of an upsert. */
  public record UpsertResult(int created, int updated, int rejected, List<LineResult> results) {}

  /** One catalogue item as listed by {@code GET /v1/items}. */
  record ItemView(String itemId, String title, String category, boolean available) {}

  /** A page of the catalogue. */
  record ItemPage(int total, int offset, List<ItemView> items) {}

  private final ActorSystem<?> system;
  private final Duration askTimeout;

  /**
   * One item as {@code GET /v1/items/{id}} answers it; {@code known} is {@code training} (the model
   * was trained on it), {@code text} (live: vector from its text alone) or {@code pending} (stored,
   * not embedded yet, or the model has no text tower).
   */
  record ItemDetail(
      String itemId,
      String title,
      String description,
      String category,
      boolean available,
      String known) {}

  /** The node's serving model: read once per request (a hot swap replaces it, ADR 0014). */
  private final ModelHandle models;

  ItemIngest(ActorSystem<?> system, Duration askTimeout, ModelHandle models) {
    this.system = system;
    this.askTimeout = askTimeout;
    this.models = models;
  }

  /**
   * Lists the model's catalogue then the live items (added through the API, embedded from text),
   * {@code limit} items from {@code offset}, in dense index order.
   */
  ItemPage list(int offset, int limit) {
    ServingModel serving = models.current();
    Catalog catalog = serving.model().catalog();
    ModelView model = serving.model();
    ItemAvailability availability = serving.availability();
    ItemAvailability.Snapshot snap = availability.snapshot();
    LiveItems.Snapshot live = model.live().snapshot();
    int total = catalog.size() + live.size();
    List<ItemView> page = new ArrayList<>();
    for (int i = offset; i < Math.min(total, (long) offset + limit); i++) {
      if (i >= catalog.size()) {
        LiveItems.Entry e = live.get(i);
        page.add(new ItemView(e.itemId(), e.title(), e.category(), live.available(i)));
        continue;
      }
      String title = shortTitle(catalog.get(i).text());
      page.add(
          new ItemView(catalog.get(i).itemId(), title, snap.categories()[i], snap.available(i)));
    }
    return new ItemPage(total, offset, page);
  }

  /** A title as the listing shows it: at most 120 characters. */
  public static String shortTitle(String text) {
    return text == null || text.length() <= 120 ? text : text.substring(0, 117) + "...";
  }

  /**
   * {@code GET /v1/items/{id}}: 200 with {@link ItemDetail}; 404 for an unknown id or a deleted
   * item the model was not trained on (a deleted trained item answers 200, {@code available:
   * false}).
   */
  CompletionStage<HttpResponse> get(String itemId) {
    String problem = EventParser.idProblem("itemId", itemId);
    if (problem != null) {
      return CompletableFuture.completedFuture(
          Json.problem(Problem.of(400, "Bad Request", "itemId", problem)));
    }
    ServingModel serving = models.current();
    Catalog catalog = serving.model().catalog();
    ItemAvailability availability = serving.availability();
    int trained = catalog.indexOf(itemId);
    LiveItems.Snapshot live = serving.model().live().snapshot();
    int liveIdx = live.indexOf(itemId);
    return Catalogue.ref(system)
        .<Catalogue.Texts>ask(r -> new Catalogue.GetTexts(List.of(itemId), r), askTimeout)
        .thenApply(
            texts -> {
              if (!texts.items().isEmpty()) {
                Catalogue.ItemText t = texts.items().get(0);
                // A deleted item the model was not trained on is gone (404); a trained one stays
                // listed as unavailable, as before.
                if (trained < 0 && (t.deleted() || (!t.available() && liveIdx < 0))) {
                  return notFound(itemId);
                }
                // "text" only once the current text is embedded; a changed text is pending again.
                String known =
                    trained >= 0
                        ? "training"
                        : liveIdx >= 0 && live.get(liveIdx).textHash() == t.textHash()
                            ? "text"
                            : "pending";
                // A trained item changed only in stock or category keeps its training text.
                String title =
                    t.title() == null && trained >= 0 ? catalog.get(trained).text() : t.title();
                return Json.response(
                    200,
                    new ItemDetail(
                        itemId, title, t.description(), t.category(), t.available(), known));
              }
              if (trained >= 0) {
                return Json.response(
                    200,
                    new ItemDetail(
                        itemId,
                        catalog.get(trained).text(),
                        null,
                        availability.snapshot().categories()[trained],
                        availability.snapshot().available(trained),
                        "training"));
              }
              return notFound(itemId);
            });
  }

  private static HttpResponse notFound(String itemId) {
    return Json.problem(Problem.of(404, "Not Found", "itemId", "no item '" + itemId + "'"));
  }

  /**
   * Upserts the items in {@code body}: 201 with per-line results when at least one item is new
   * (neither in the catalogue nor trained on), 200 when every valid line updated a known item, 422
   * when no line is valid.
   */
  CompletionStage<HttpResponse> upsert(String body) {
    String[] lines = body.split("\r?\n", -1);
    if (EventIngest.overLineCap(lines)) {
      return CompletableFuture.completedFuture(EventIngest.tooManyLines());
    }
    List<Catalogue.ItemUpsert> valid = new ArrayList<>();
    List<LineResult> results = new ArrayList<>();
    List<Problem.LineError> errors = new ArrayList<>();
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].isBlank()) {
        continue;
      }
      try {
        Catalogue.ItemUpsert item = ItemParser.parse(lines[i]);
        valid.add(item);
        results.add(new LineResult(i + 1, item.itemId(), "stored", null, null));
      } catch (EventParser.InvalidInput e) {
        results.add(new LineResult(i + 1, null, "rejected", e.field(), e.getMessage()));
        errors.add(new Problem.LineError(i + 1, e.field(), e.getMessage()));
      }
    }
    if (valid.isEmpty()) {
      Problem p =
          errors.isEmpty()
              ? Problem.of(400, "Bad Request", "body", "no item in the body")
              : new Problem(
                  "https://carousel.dev/problems/invalid-items",
                  "Invalid Items",
                  errors.get(0).field() == null ? 400 : 422,
                  "no line of the body is a valid item",
                  errors.get(0).field(),
                  errors);
      return CompletableFuture.completedFuture(Json.problem(p));
    }
    CompletionStage<Catalogue.Upserted> done =
        CompletableFuture.completedFuture(new Catalogue.Upserted(0, 0));
    Catalog catalog = models.current().model().catalog();
    for (List<Catalogue.ItemUpsert> part : parts(valid)) {
      java.util.Set<String> inModel = new java.util.HashSet<>();
      for (Catalogue.ItemUpsert item : part) {
        if (catalog.indexOf(item.itemId()) >= 0) {
          inModel.add(item.itemId());
        }
      }
      done =
          done.thenCompose(
              sum ->
                  Catalogue.ref(system)
                      .<Catalogue.Upserted>askWithStatus(
                          r -> new Catalogue.Upsert(part, r, java.util.Set.copyOf(inModel)),
                          askTimeout)
                      .thenApply(
                          u ->
                              new Catalogue.Upserted(
                                  sum.created() + u.created(), sum.updated() + u.updated())));
    }
    // 201 when the request created at least one item, 200 when it only updated known ones.
    return done.thenApply(
        u ->
            Json.response(
                u.created() > 0 ? 201 : 200,
                new UpsertResult(u.created(), u.updated(), errors.size(), results)));
  }

  /** Splits {@code items}, in order, into parts of at most {@link #MAX_UPSERT_BYTES} estimated. */
  static List<List<Catalogue.ItemUpsert>> parts(List<Catalogue.ItemUpsert> items) {
    List<List<Catalogue.ItemUpsert>> parts = new ArrayList<>();
    List<Catalogue.ItemUpsert> part = new ArrayList<>();
    long bytes = 0;
    for (Catalogue.ItemUpsert item : items) {
      long size = estimate(item);
      if (!part.isEmpty() && bytes + size > MAX_UPSERT_BYTES) {
        parts.add(List.copyOf(part));
        part.clear();
        bytes = 0;
      }
      part.add(item);
      bytes += size;
    }
    if (!part.isEmpty()) {
      parts.add(List.copyOf(part));
    }
    return parts;
  }

  /**
   * An upper bound of one item's CBOR size: the UTF-8 bytes of its text plus 96 bytes of field
   * names, headers, price and flag (measured: about 80).
   */
  static long estimate(Catalogue.ItemUpsert item) {
    return 96L
        + utf8(item.itemId())
        + utf8(item.title())
        + utf8(item.description())
        + utf8(item.category());
  }

  /** UTF-8 length of {@code s} (a surrogate pair is 4 bytes, 2 per UTF-16 unit). */
  private static long utf8(String s) {
    if (s == null) {
      return 0;
    }
    long bytes = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      bytes += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
    }
    return bytes;
  }

  /**
   * Marks {@code itemId} deleted: gone from the next slate on every node. 400 for an invalid id,
   * 404 for an item neither the model nor the catalogue knows.
   */
  CompletionStage<HttpResponse> delete(String itemId) {
    String problem = EventParser.idProblem("itemId", itemId);
    if (problem != null) {
      return CompletableFuture.completedFuture(
          Json.problem(Problem.of(400, "Bad Request", "itemId", problem)));
    }
    boolean inModel = models.current().model().catalog().indexOf(itemId) >= 0;
    return Catalogue.ref(system)
        .<Boolean>askWithStatus(r -> new Catalogue.Delete(itemId, inModel, r), askTimeout)
        .thenApply(
            known ->
                known
                    ? HttpResponse.create().withStatus(204)
                    : Json.problem(
                        Problem.of(404, "Not Found", "itemId", "no item '" + itemId + "'")));
  }
}
