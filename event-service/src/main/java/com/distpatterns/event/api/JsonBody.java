package com.distpatterns.event.api;

import com.distpatterns.platform.service.ApiException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a request body that must be one JSON value of bounded size, and returns it as the exact text the client
 * sent: it is checked by streaming over it, never parsed into a tree and re-encoded.
 */
final class JsonBody {

  private final JsonMapper json;
  private final int maxBytes;

  JsonBody(JsonMapper json, int maxBytes) {
    this.json = json;
    this.maxBytes = maxBytes;
  }

  /**
   * @param declaredLength the Content-Length, or -1
   * @throws ApiException 413 when the body is too large, 400 when it is not one JSON value in UTF-8
   */
  String read(InputStream body, long declaredLength) throws IOException {
    if (declaredLength > maxBytes) {
      throw tooLarge();
    }
    byte[] bytes = body.readNBytes(maxBytes + 1);
    if (bytes.length > maxBytes) {
      throw tooLarge();
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw ApiException.badRequest("invalid-json", "The body is not valid UTF-8; send the event data as UTF-8 JSON.");
    }
    checkSingleJsonValue(text);
    return text;
  }

  private void checkSingleJsonValue(String text) {
    try (JsonParser parser = json.createParser(text)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        throw ApiException.badRequest("invalid-json", "The body is empty; send the event data as one JSON value.");
      }
      parser.skipChildren();
      if (parser.nextToken() != null) {
        throw ApiException.badRequest("invalid-json",
            "The body holds more than one JSON value; send the event data as exactly one JSON value.");
      }
    } catch (JacksonException e) {
      String where = e.getLocation() == null ? ""
          : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
      throw ApiException.badRequest("invalid-json", "The body is not valid JSON: " + e.getOriginalMessage() + where + ".");
    }
  }

  private ApiException tooLarge() {
    return ApiException.payloadTooLarge("The event data is larger than " + maxBytes
        + " bytes; publish a smaller event, or a reference to where the data is.");
  }
}
