package dev.vela.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.Result;
import dev.vela.adapters.hf.random.ModelPreset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An agent framework's round trip against a running Vela: a LangChain4j assistant with a
 * {@code @Tool} method, on LangChain4j's own OpenAI chat model. The first request requires a call
 * (the random-weight model can only answer with one), LangChain4j runs the tool and sends its
 * result back in the history, and the second request, with tool choice none, gets the final
 * answer; the template renders the assistant's call and the tool's result in between.
 */
@WithVelaServer(model = ModelPreset.R1_DISTILL_VOCAB_TINY)
class LangChain4jToolRoundTripTest {

    enum City { PARIS, OSLO, ROME }

    /** The tool the assistant may use; remembers its calls. */
    static final class WeatherTools {

        final List<City> asked = new ArrayList<>();

        @Tool("The current weather of a city")
        String weather(@P("the city") City city) {
            asked.add(city);
            return "sunny, 21 degrees";
        }
    }

    interface Assistant {
        Result<String> chat(String question);
    }

    @Test
    void anAssistantCallsItsToolAndAnswersWithTheResultInItsHistory(TestClient client) {
        for (int seed = 0; seed < 5; seed++) {
            WeatherTools tools = new WeatherTools();
            List<ChatRequest> requests = new ArrayList<>();
            Assistant assistant = AiServices.builder(Assistant.class)
                    .chatModel(OpenAiChatModel.builder().baseUrl("http://127.0.0.1:" + client.port() + "/v1")
                            .apiKey("any").modelName("DeepSeek-R1-Distill-Qwen-32B").temperature(1.0).seed(seed)
                            .maxTokens(120).parallelToolCalls(false).build())
                    .tools(tools)
                    .chatRequestTransformer(request -> {
                        requests.add(request);
                        boolean toolAnswered = request.messages().getLast() instanceof ToolExecutionResultMessage;
                        return ChatRequest.builder().messages(request.messages())
                                .parameters(request.parameters().overrideWith(ChatRequestParameters.builder()
                                        .toolChoice(toolAnswered ? ToolChoice.NONE : ToolChoice.REQUIRED).build()))
                                .build();
                    })
                    .build();

            Result<String> result = assistant.chat("What is the weather in Paris?");

            assertEquals(1, tools.asked.size(), "seed " + seed + ": one call, then the final answer");
            assertEquals(1, result.toolExecutions().size());
            assertEquals("weather", result.toolExecutions().getFirst().request().name());
            assertEquals("sunny, 21 degrees", result.toolExecutions().getFirst().result());
            assertNotNull(result.content(), "the final answer is text");
            assertEquals(2, requests.size());
            assertTrue(requests.get(1).messages().size() > requests.get(0).messages().size(),
                    "the second request carries the call and its result");
        }
    }
}
