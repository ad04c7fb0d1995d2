/**
 * The model folder and its errors: {@link io.carousel.engine.model.ModelFolder} names, writes and
 * reads every file of a trained model folder (the SavedModel's presence, {@link
 * io.carousel.engine.model.ModelFolder.Sizes}, {@link io.carousel.engine.model.ModelMeta}, the
 * co-visitation lists and the wide weights), with the file names and formats of the first trained
 * models; {@link io.carousel.engine.model.ModelException} says what failed where, {@link
 * io.carousel.engine.model.ModelFileException} names the folder to delete when a file is bad. The
 * towers live in {@code engine.tower}, retrieval in {@code engine.retrieval}, the wide term in
 * {@code engine.wide}; training is {@code io.carousel.offline.train}.
 */
package io.carousel.engine.model;
