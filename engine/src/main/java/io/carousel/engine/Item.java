package io.carousel.engine;

/**
 * A catalogue item.
 *
 * @param itemId the shop's id (e.g. an ASIN or a MovieLens movie id)
 * @param text the product text fed to the pretrained text encoder (title, or brand + category +
 *     description)
 * @param category the top-level category used by business rules, never null (may be "")
 */
public record Item(String itemId, String text, String category) {}
