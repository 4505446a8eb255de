package dev.vela.adapters.rest.wire;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The answer of {@code POST /detokenize}. */
@Schema(name = "DetokenizeResponse")
public record DetokenizeResponse(@Schema(description = "the text of the tokens", example = "请介绍下中科院计算所？") String prompt) {
}
