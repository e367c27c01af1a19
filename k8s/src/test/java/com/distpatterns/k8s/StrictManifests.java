package com.distpatterns.k8s;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.DeserializationConfig;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.deser.BeanDeserializerBuilder;
import tools.jackson.databind.deser.ValueDeserializerModifier;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.type.LogicalType;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads rendered manifests into fabric8's typed Kubernetes model, strictly: a field the API does not have, a
 * field at the wrong level, or a number where the API wants a string is an error, as the API server would make
 * it (or, worse, silently drop it).
 *
 * <p>fabric8's model is lenient on purpose: every class collects unknown fields in {@code additionalProperties}
 * through a Jackson any-setter. Removing the any-setters makes Jackson's FAIL_ON_UNKNOWN_PROPERTIES apply.
 */
final class StrictManifests {

    /** Only for its registry of kinds: which class models apiVersion + kind. */
    private static final KubernetesSerialization KINDS = new KubernetesSerialization();

    private static final YAMLMapper YAML = YAMLMapper.builder().build();

    private static final JsonMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            // env values, annotations and labels are strings to the API server: `value: 8080` is rejected there.
            .withCoercionConfig(LogicalType.Textual, config -> config
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .addModule(new SimpleModule("no-additional-properties")
                    .setDeserializerModifier(new ValueDeserializerModifier() {
                        @Override
                        public BeanDeserializerBuilder updateBuilder(DeserializationConfig config,
                                BeanDescription.Supplier bean,
                                BeanDeserializerBuilder builder) {
                            builder.setAnySetter(null);
                            return builder;
                        }
                    }))
            .build();

    private StrictManifests() {}

    /** Every document of a YAML stream, each as its typed Kubernetes object. */
    static List<HasMetadata> parse(String yamlStream) {
        List<HasMetadata> objects = new ArrayList<>();
        try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(yamlStream)) {
            while (documents.hasNextValue()) {
                JsonNode document = documents.nextValue();
                if (document != null && document.isObject()) {
                    objects.add(typed(document));
                }
            }
        }
        return objects;
    }

    static HasMetadata typed(JsonNode document) {
        String apiVersion = document.path("apiVersion").asString("");
        String kind = document.path("kind").asString("");
        String what = kind + " " + document.path("metadata").path("name").asString("(no name)");
        Class<? extends KubernetesResource> type = KINDS.getRegisteredKubernetesResource(apiVersion, kind);
        if (type == null || type == GenericKubernetesResource.class || !HasMetadata.class.isAssignableFrom(type)) {
            throw new AssertionError(
                    what + ": " + apiVersion + "/" + kind + " is not a Kubernetes kind the model knows");
        }
        try {
            return (HasMetadata) STRICT.treeToValue(document, type);
        } catch (JacksonException e) {
            throw new AssertionError(what + " does not match the Kubernetes API: " + e.getOriginalMessage()
                    + " (at " + e.getPathReference() + ")", e);
        }
    }
}
