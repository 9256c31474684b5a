import json
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tests.site.servers import port

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "wires"
LIFECYCLE = SAMPLES / "lifecycle"
AGENCY = f"http://127.0.0.1:{port(70)}"
TT_PICTURE = "http://tt.se/media/image/sdlk2sirkPaauM"


def ninjs(uri="urn:test:story-1", version="1", pub_status="usable", **fields) -> bytes:
    """A ninjs 3 text item as an agency sends it."""
    item = {
        "uri": uri,
        "type": "text",
        "version": version,
        "pubStatus": pub_status,
        "urgency": 4,
        "language": "en",
        "slugline": "harbour-fire",
        "headlines": [{"role": "main", "value": f"Fire at the harbour, version {version}"}],
        "by": "Wire reporter",
        "located": "Kochi",
        "copyrightHolder": "Example Wire",
        "subjects": [{"name": "Disasters"}, {"name": "Shipping"}],
        "bodies": [
            {
                "role": "main",
                "contentType": "text/html",
                "value": f"<p>A fire broke out at the harbour (version {version}).</p>"
                '<p>Firefighters <a href="https://example.org/fire">were called</a>.</p>',
            }
        ],
        **fields,
    }
    return json.dumps(item).encode()


class AgencyFiles(BaseHTTPRequestHandler):
    """An agency's picture server: `routes` maps a path to (status, headers, body); a body
    may be a function, called when the file is asked for, that gives the bytes."""

    routes: dict = {}
    requested: list = []

    def do_GET(self):
        type(self).requested.append(self.path)
        status, headers, body = self.routes.get(self.path, (404, {}, b"not here"))
        body = body() if callable(body) else body
        self.send_response(status)
        for name, value in {"Content-Length": str(len(body)), **headers}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@contextmanager
def agency_files():
    """The agency's picture server at AGENCY, for the length of the block."""
    server = ThreadingHTTPServer(("127.0.0.1", port(70)), AgencyFiles)
    AgencyFiles.routes, AgencyFiles.requested = {}, []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield AgencyFiles
    finally:
        server.shutdown()
        server.server_close()


def jpeg(**routes) -> dict:
    """Routes serving each JPEG given at /<name>.jpg."""
    return {
        f"/{name}.jpg": (200, {"Content-Type": "image/jpeg"}, data) for name, data in routes.items()
    }


def tt_item(uri="urn:tt:1", picture_uri=TT_PICTURE, **hrefs) -> bytes:
    """TT's text item with its picture, the picture's files on the local agency server."""
    item = json.loads((SAMPLES / "ninjs/3.0-tt_text_image_3.json").read_text())
    item["uri"] = uri
    association = item["associations"][0]
    association["uri"] = picture_uri
    names = ["hires", "preview", "watermark", "thumb"]
    for rendition, name in zip(association["renditions"], names, strict=True):
        rendition["href"] = hrefs.get(name, f"{AGENCY}/{name}.jpg")
    return json.dumps(item).encode()
