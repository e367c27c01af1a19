package com.distpatterns.cache.api;

import com.distpatterns.cache.core.EntryLimits;
import com.distpatterns.cache.core.InvalidInputException;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

/** Reads a request body of at most 1 MiB and checks that it is one JSON value, keeping its bytes as they came. */
final class JsonBody {

  private final JsonMapper json;

  JsonBody(JsonMapper json) {
    this.json = json;
  }

  byte[] read(HttpServletRequest request) throws IOException {
    long declared = request.getContentLengthLong();
    if (declared > EntryLimits.MAX_VALUE_BYTES) {
      // Refused before reading a byte of it.
      throw tooLarge(declared + " bytes");
    }
    byte[] body;
    try (InputStream in = request.getInputStream()) {
      // Without a Content-Length (chunked), read one byte past the limit to know it was passed, and no further.
      body = in.readNBytes(declared >= 0 ? (int) declared : EntryLimits.MAX_VALUE_BYTES + 1);
    }
    if (body.length > EntryLimits.MAX_VALUE_BYTES) {
      throw tooLarge("more than " + EntryLimits.MAX_VALUE_BYTES + " bytes");
    }
    validate(body);
    return body;
  }

  /** Walks every token, so malformed text, bad escapes, invalid UTF-8 and trailing content are all refused. */
  void validate(byte[] body) {
    try (JsonParser parser = json.createParser(body)) {
      JsonToken token = parser.nextToken();
      if (token == null) {
        throw notJson("The body is empty; send a JSON value (an object, array, string, number, true, false or null).");
      }
      int depth = 0;
      do {
        switch (token) {
          case START_OBJECT, START_ARRAY -> depth++;
          case END_OBJECT, END_ARRAY -> depth--;
          case VALUE_STRING -> parser.getString();
          default -> { }
        }
        if (depth == 0) {
          break;
        }
        token = parser.nextToken();
      } while (token != null);
      if (depth != 0 || parser.nextToken() != null) {
        throw notJson("The body must be exactly one JSON value; it is cut short or has content after the value.");
      }
    } catch (JacksonException e) {
      throw notJson("The body is not valid JSON: " + e.getOriginalMessage());
    }
  }

  private static InvalidInputException notJson(String detail) {
    return new InvalidInputException(InvalidInputException.Reason.VALUE_NOT_JSON, detail);
  }

  private static InvalidInputException tooLarge(String size) {
    return new InvalidInputException(InvalidInputException.Reason.VALUE_TOO_LARGE,
        "A value may be at most 1 MiB (" + EntryLimits.MAX_VALUE_BYTES + " bytes) of JSON; this one is " + size + ".");
  }
}
