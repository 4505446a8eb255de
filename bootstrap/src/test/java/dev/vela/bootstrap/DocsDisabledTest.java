package dev.vela.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** {@code --disable-fastapi-docs} serves no docs and no OpenAPI document; the API itself is unchanged. */
@WithVelaServer(settings = {"vela.served-model-name=DeepSeek-R1-Distill-Qwen-32B", "vela.max-model-len=1024",
    "vela.disable-fastapi-docs=true"})
class DocsDisabledTest {

    @Test
    void thereAreNoDocs(TestClient client) {
        for (String path : new String[] {"/docs", "/docs/index.html", "/openapi", "/openapi.json"}) {
            assertEquals(404, client.get(path).status(), path);
        }
    }

    @Test
    void theApiIsServed(TestClient client) {
        assertEquals(200, client.get("/v1/models").status());
    }
}
