package com.distpatterns.gateway;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.distpatterns.gateway.api.ExchangeAttribute;
import com.distpatterns.platform.test.LayerRules;
import org.junit.jupiter.api.Test;
import org.springframework.web.server.ServerWebExchange;

/** The layering of platform-test's {@link LayerRules}, held on this service's classes. */
class ArchitectureTest {

    @Test
    void coreDependsOnNoOuterLayer() {
        LayerRules.coreDependsOnNoOuterLayer(GatewayApplication.class)
                .check(LayerRules.classesOf(GatewayApplication.class));
    }

    /**
     * A filter that reads what another wrote does so through an {@link ExchangeAttribute} declared in
     * {@code FilterOrder}, never by a raw key, so that {@code FilterOrderTest} sees every such dependency.
     */
    @Test
    void exchangeAttributesAreReadAndWrittenOnlyThroughTheirDeclarations() {
        noClasses().that().doNotBelongToAnyOf(ExchangeAttribute.class)
                .should().callMethod(ServerWebExchange.class, "getAttributes")
                .orShould().callMethod(ServerWebExchange.class, "getAttribute", String.class)
                .orShould().callMethod(ServerWebExchange.class, "getRequiredAttribute", String.class)
                .orShould().callMethod(ServerWebExchange.class, "getAttributeOrDefault", String.class, Object.class)
                .because("FilterOrder declares who writes and who reads each attribute")
                .check(LayerRules.classesOf(GatewayApplication.class));
    }
}
