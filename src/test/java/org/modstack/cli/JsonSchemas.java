package org.modstack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The documented schemas of the {@code --json} outputs ({@code docs/schema/}), as a validator reads them. */
final class JsonSchemas {
    static final ObjectMapper MAPPER = new ObjectMapper();
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    private JsonSchemas() {
    }

    /** Parses {@code json} and asserts it is valid under {@code docs/schema/<name>.schema.json}. */
    static JsonNode assertValid(String name, String json) {
        try {
            JsonNode doc = MAPPER.readTree(json);
            Schema schema = REGISTRY.getSchema(Files.readString(Path.of("docs/schema", name + ".schema.json")));
            List<Error> errors = schema.validate(doc);
            assertThat(errors).as("%s output against its schema", name).isEmpty();
            return doc;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
