package dev.vela.application.structured;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.ExecutionContext;
import com.networknt.schema.Format;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.format.PatternFormat;
import java.time.OffsetTime;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * The independent judge of a structured answer: Jackson parses it, networknt's JSON Schema
 * validator (draft 2020-12, formats asserted) checks it. Two of networknt's format checks are
 * replaced: its {@code email} also wants a top-level domain from IANA's list, which RFC 5321 does
 * not ask (here: RFC 5321's dot-atom syntax), and its {@code time} refuses a negative offset that
 * carries the time past midnight in UTC, such as {@code 23:00:00-01:00} (here: java.time's parser).
 */
public final class SchemaValidator {

    /** Parses JSON texts exactly: decimals as BigDecimal, nothing after the value. */
    public static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private static final String RFC_5321_MAILBOX = "^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
            + "@[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$";

    private final JsonSchema schema;

    private SchemaValidator(JsonSchema schema) {
        this.schema = schema;
    }

    public static SchemaValidator of(String schemaJson) {
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
        JsonMetaSchema metaSchema = JsonMetaSchema.builder(JsonMetaSchema.getV202012())
                .format(PatternFormat.of("email", RFC_5321_MAILBOX, "must be an RFC 5321 mailbox"))
                .format(new OffsetTimeFormat())
                .build();
        return new SchemaValidator(JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
                factory -> factory.metaSchema(metaSchema)).getSchema(schemaJson, config));
    }

    /** Why {@code json} is not a valid instance; empty when it is. */
    public List<String> errors(String json) {
        try {
            return schema.validate(JSON.readTree(json)).stream().map(Object::toString).toList();
        } catch (JsonProcessingException e) {
            return List.of("not JSON: " + e.getOriginalMessage());
        }
    }

    /** RFC 3339's {@code full-time}, as java.time reads it. */
    private static final class OffsetTimeFormat implements Format {

        @Override
        public String getName() {
            return "time";
        }

        @Override
        public boolean matches(ExecutionContext context, String value) {
            try {
                OffsetTime.parse(value);
                return true;
            } catch (DateTimeParseException e) {
                return false;
            }
        }
    }
}
