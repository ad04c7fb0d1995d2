package io.carousel.user;

import akka.actor.typed.ActorRef;
import io.carousel.engine.ScoringModel;
import java.util.List;

/**
 * Everything on a node that is indexed by one model's dense item indices, as one immutable
 * snapshot: a slate reads one and uses it from the candidate query to the assembled slate, so the
 * indices of two model versions never meet (ADR 0014). Held by a {@link ModelHandle}.
 *
 * @param model the model view (catalogue, item vectors, popularity, live items of this model)
 * @param scoring the scoring pool whose scorer belongs to this model
 * @param availability stock and categories over this model's catalogue
 * @param trends the node's trend popularities over this model's catalogue
 * @param assemblers one per policy arm, over this view
 * @param learning feeds {@code trends}, the pooled prior and exploration from users' facts
 */
public record ServingModel(
    ModelView model,
    ActorRef<ScoringModel.Command> scoring,
    ItemAvailability availability,
    NodeTrends trends,
    List<SlateAssembler> assemblers,
    NodeLearning learning) {

  /** Returns the version every slate served from this snapshot names. */
  public String version() {
    return model.modelVersion();
  }
}
