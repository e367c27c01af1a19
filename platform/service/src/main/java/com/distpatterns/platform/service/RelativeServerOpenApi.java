package com.distpatterns.platform.service;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.servers.Server;
import java.util.List;
import org.springdoc.core.customizers.GlobalOpenApiCustomizer;

/**
 * Publishes each service's OpenAPI document with a relative server URL, so "try it out" goes wherever the
 * document was read from: the service itself, or the gateway that aggregates every document.
 */
public class RelativeServerOpenApi implements GlobalOpenApiCustomizer {

    private final String title;

    public RelativeServerOpenApi(String applicationName) {
        this.title = applicationName;
    }

    @Override
    public void customise(OpenAPI openApi) {
        openApi.setServers(List.of(new Server().url("/").description("where this document was served from")));
        if (openApi.getInfo() != null && "OpenAPI definition".equals(openApi.getInfo().getTitle())) {
            openApi.getInfo().title(title).version("v1");
        }
    }
}
