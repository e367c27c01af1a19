"""Stand-ins for the observability profile's images that cannot be pulled here (see observability.Containerfile).

collector: an OTLP/HTTP receiver on 4318 (POST /v1/traces, protobuf), logging one line per span:
           "span trace_id=<hex> service=<service.name> name=<span name>"; health on 13133.
jaeger:    answers on 16686 (UI) and 14269 (admin health).
grafana:   answers on 3000 (/ and /api/health).
Every extra argument (the real images' flags from the compose file) is ignored.
"""
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def fields(data):
    """The fields of one protobuf message: (number, wire type, value); length-delimited values as bytes."""
    i = 0
    while i < len(data):
        key, i = varint(data, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = varint(data, i)
        elif wire == 1:
            value, i = data[i:i + 8], i + 8
        elif wire == 2:
            length, i = varint(data, i)
            value, i = data[i:i + length], i + length
        elif wire == 5:
            value, i = data[i:i + 4], i + 4
        else:
            raise ValueError("wire type %d" % wire)
        yield number, wire, value


def varint(data, i):
    shift = result = 0
    while True:
        byte = data[i]
        i += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, i
        shift += 7


def spans(request):
    """(trace id, service name, span name) of every span of an ExportTraceServiceRequest."""
    for number, _, resource_spans in fields(request):
        if number != 1:
            continue
        service = "?"
        scope_spans_list = []
        for field, _, value in fields(resource_spans):
            if field == 1:  # Resource
                for attr_field, _, attribute in fields(value):
                    if attr_field != 1:
                        continue
                    key, text = None, None
                    for kv_field, _, kv_value in fields(attribute):
                        if kv_field == 1:
                            key = kv_value.decode()
                        elif kv_field == 2:
                            for any_field, _, any_value in fields(kv_value):
                                if any_field == 1:
                                    text = any_value.decode()
                    if key == "service.name" and text:
                        service = text
            elif field == 2:
                scope_spans_list.append(value)
        for scope_spans in scope_spans_list:
            for field, _, span in fields(scope_spans):
                if field != 2:
                    continue
                trace_id, name = b"", ""
                for span_field, _, span_value in fields(span):
                    if span_field == 1:
                        trace_id = span_value
                    elif span_field == 5:
                        name = span_value.decode()
                yield trace_id.hex(), service, name


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        self.answer(200, b"ok\n")

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path == "/v1/traces" and os.environ.get("STANDIN_ROLE") == "collector":
            for trace_id, service, name in spans(body):
                print("span trace_id=%s service=%s name=%s" % (trace_id, service, name), flush=True)
            self.answer(200, b"")
        else:
            self.answer(404, b"")

    def answer(self, status, body):
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


PORTS = {"collector": [4318, 13133], "jaeger": [16686, 14269], "grafana": [3000]}

if __name__ == "__main__":
    role = os.environ.get("STANDIN_ROLE", "")
    if role not in PORTS:
        sys.exit("STANDIN_ROLE must be one of %s" % sorted(PORTS))
    servers = [ThreadingHTTPServer(("0.0.0.0", port), Handler) for port in PORTS[role]]
    print("%s stand-in listening on %s" % (role, PORTS[role]), flush=True)
    for server in servers[1:]:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    servers[0].serve_forever()
