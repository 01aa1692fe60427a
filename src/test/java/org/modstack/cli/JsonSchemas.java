package org.modstack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
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
    /** The schemas' {@code $id} prefix: an address of our own, served from docs/schema/, never fetched. */
    private static final String BASE = "https://modstack.invalid/schema/";
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            b -> b.schemas(JsonSchemas::read));

    private JsonSchemas() {
    }

    /** Parses {@code json} and asserts it is valid under {@code docs/schema/<name>.schema.json}. */
    static JsonNode assertValid(String name, String json) {
        try {
            JsonNode doc = MAPPER.readTree(json);
            Schema schema = REGISTRY.getSchema(SchemaLocation.of(BASE + name + ".schema.json"));
            List<Error> errors = schema.validate(doc);
            assertThat(errors).as("%s output against its schema", name).isEmpty();
            return doc;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(String id) {
        if (!id.startsWith(BASE)) {
            return null;
        }
        try {
            return Files.readString(Path.of("docs/schema", id.substring(BASE.length())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
