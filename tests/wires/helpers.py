import json
from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "wires"
LIFECYCLE = SAMPLES / "lifecycle"


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
