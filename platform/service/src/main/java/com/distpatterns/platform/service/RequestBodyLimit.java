package com.distpatterns.platform.service;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Type;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.RequestBodyAdviceAdapter;

/**
 * Bounds every {@code @RequestBody} at {@code platform.http.max-request-body}: a larger one is a 413
 * {@code payload-too-large} before the converter parses any of it. Bodies a controller reads itself go through
 * {@link JsonBodies} with a bound of their own.
 */
@ControllerAdvice
public class RequestBodyLimit extends RequestBodyAdviceAdapter {

    private final int maxBytes;

    public RequestBodyLimit(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    public boolean supports(MethodParameter parameter, Type targetType,
            Class<? extends HttpMessageConverter<?>> converterType) {
        return true;
    }

    @Override
    public HttpInputMessage beforeBodyRead(HttpInputMessage input, MethodParameter parameter, Type targetType,
            Class<? extends HttpMessageConverter<?>> converterType) throws IOException {
        byte[] body = JsonBodies.readBounded(input.getBody(), input.getHeaders().getContentLength(), maxBytes,
                () -> ApiException.payloadTooLarge("The request body is larger than " + maxBytes
                        + " bytes; nothing was done. Send less at a time (for example a batch with smaller items)."));
        return new HttpInputMessage() {
            @Override
            public InputStream getBody() {
                return new ByteArrayInputStream(body);
            }

            @Override
            public HttpHeaders getHeaders() {
                return input.getHeaders();
            }
        };
    }
}
