"""Links that open a station in the phone's map app (no embedded map, no API key).

Coordinates are GCJ-02, the datum Chinese map apps use; `geo:` (RFC 5870) opens the system
map chooser on Android, the Amap and Baidu web links open the app when installed.
"""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import quote, urlencode


def map_links(
    *, name: str, address: str, latitude: Decimal | None, longitude: Decimal | None
) -> dict[str, str]:
    if latitude is None or longitude is None:
        return {}
    lat, lng = f"{latitude:.6f}", f"{longitude:.6f}"
    return {
        "geo": f"geo:{lat},{lng}?q={lat},{lng}({quote(name)})",
        "amap": "https://uri.amap.com/marker?"
        + urlencode(
            {
                "position": f"{lng},{lat}",
                "name": name,
                "coordinate": "gaode",
                "callnative": "1",
            }
        ),
        "baidu": "https://api.map.baidu.com/marker?"
        + urlencode(
            {
                "location": f"{lat},{lng}",
                "title": name,
                "content": address,
                "coord_type": "gcj02",
                "output": "html",
                "src": "webapp.unionhome.legalaid",
            }
        ),
    }
