package dev.vela.bootstrap;

import dev.vela.adapters.hf.random.ModelPreset;
import dev.vela.adapters.hf.random.WeightType;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the test class against a real Vela server (Helidon, the engine, a random-weight model
 * written for the test run) on a free port. Classes with the same settings share one server.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(VelaServerExtension.class)
public @interface WithVelaServer {

    ModelPreset model() default ModelPreset.TINY;

    WeightType weights() default WeightType.FLOAT32;

    /**
     * Extra settings as {@code key=value} MicroProfile Config entries. The default trusts request
     * chat templates, which many tests send.
     */
    String[] settings() default {"vela.served-model-name=DeepSeek-R1-Distill-Qwen-32B", "vela.max-model-len=1024",
            "vela.trust-request-chat-template=true"};
}
