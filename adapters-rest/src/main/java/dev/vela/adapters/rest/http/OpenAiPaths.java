package dev.vela.adapters.rest.http;

/** Which request paths belong to which part of the API. */
final class OpenAiPaths {

    private OpenAiPaths() {
    }

    /** The OpenAI API: {@code /v1} and below. */
    static boolean isOpenAi(String path) {
        return path.equals("/v1") || path.startsWith("/v1/");
    }

    /** Paths that need the model: the OpenAI API and the tokenizer endpoints. */
    static boolean needsModel(String path) {
        return isOpenAi(path) || path.equals("/tokenize") || path.equals("/detokenize");
    }
}
