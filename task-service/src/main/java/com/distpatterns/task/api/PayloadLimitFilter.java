package com.distpatterns.task.api;

import com.distpatterns.platform.service.Problems;
import com.distpatterns.task.config.TaskProperties;
import com.distpatterns.task.config.TaskRoles;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.context.annotation.Conditional;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Refuses request bodies over {@code tasks.max-payload} with 413 problem+json before anything is parsed or
 * queued. A declared length is checked up front; a chunked body is read up to the limit and no further.
 */
@Component
@Conditional(TaskRoles.Api.class)
class PayloadLimitFilter extends OncePerRequestFilter {

  private final long limit;
  private final JsonMapper json;

  PayloadLimitFilter(TaskProperties properties, JsonMapper json) {
    this.limit = properties.maxPayload().toBytes();
    this.json = json;
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !request.getRequestURI().startsWith("/api/") || "GET".equals(request.getMethod())
        || "DELETE".equals(request.getMethod());
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    long declared = request.getContentLengthLong();
    if (declared > limit) {
      refuse(request, response);
      return;
    }
    if (declared >= 0) {
      chain.doFilter(request, response);
      return;
    }
    byte[] body = request.getInputStream().readNBytes(Math.toIntExact(limit + 1));
    if (body.length > limit) {
      refuse(request, response);
      return;
    }
    chain.doFilter(new BufferedBody(request, body), response);
  }

  private void refuse(HttpServletRequest request, HttpServletResponse response) throws IOException {
    Map<String, Object> problem = new LinkedHashMap<>();
    problem.put("type", Problems.TYPE_PREFIX + "payload-too-large");
    problem.put("title", HttpStatus.CONTENT_TOO_LARGE.getReasonPhrase());
    problem.put("status", HttpStatus.CONTENT_TOO_LARGE.value());
    problem.put("detail", "The request body is larger than " + limit + " bytes; nothing was queued. Split the work"
        + " (for example into a batch with smaller items) and try again.");
    problem.put("instance", request.getRequestURI());
    response.setStatus(HttpStatus.CONTENT_TOO_LARGE.value());
    response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
    response.getOutputStream().write(json.writeValueAsBytes(problem));
  }

  /** The body already read, served again to whoever reads the request next. */
  private static final class BufferedBody extends HttpServletRequestWrapper {
    private final byte[] body;

    BufferedBody(HttpServletRequest request, byte[] body) {
      super(request);
      this.body = body;
    }

    @Override
    public ServletInputStream getInputStream() {
      ByteArrayInputStream in = new ByteArrayInputStream(body);
      return new ServletInputStream() {
        @Override
        public boolean isFinished() {
          return in.available() == 0;
        }

        @Override
        public boolean isReady() {
          return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
          throw new UnsupportedOperationException("Synchronous reads only");
        }

        @Override
        public int read() {
          return in.read();
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
          return in.read(buffer, offset, length);
        }
      };
    }

    @Override
    public BufferedReader getReader() {
      return new BufferedReader(new InputStreamReader(getInputStream(), StandardCharsets.UTF_8));
    }

    @Override
    public int getContentLength() {
      return body.length;
    }

    @Override
    public long getContentLengthLong() {
      return body.length;
    }
  }
}
