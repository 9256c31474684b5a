"""Picture files made for the tests: real encodings, with the metadata agencies embed."""

import io
import struct
import zlib

from PIL import Image, ImageCms

GPS_IFD = 0x8825
ORIENTATION = 0x0112

XMP_PACKET = """<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"
      xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/">
   <dc:description>
    <rdf:Alt><rdf:li xml:lang="x-default">{caption}</rdf:li></rdf:Alt>
   </dc:description>
   <dc:creator><rdf:Seq><rdf:li>{creator}</rdf:li></rdf:Seq></dc:creator>
   <dc:rights><rdf:Alt><rdf:li xml:lang="x-default">{rights}</rdf:li></rdf:Alt></dc:rights>
   <photoshop:Credit>{credit}</photoshop:Credit>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""


def _scene(width: int, height: int) -> Image.Image:
    """A picture with content (a gradient and a block), so encoders have something to keep."""
    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    image.paste((200, 30, 30), (0, 0, max(1, width // 4), max(1, height // 4)))
    return image


def _iptc_record(dataset: int, value: str) -> bytes:
    data = value.encode()
    return b"\x1c\x02" + bytes([dataset]) + struct.pack(">H", len(data)) + data


def _with_iptc(jpeg: bytes, fields: dict[int, str]) -> bytes:
    """The JPEG with an APP13 Photoshop block holding IPTC IIM records, as agencies send."""
    iptc = b"".join(_iptc_record(dataset, value) for dataset, value in fields.items())
    if len(iptc) % 2:
        iptc += b"\x00"
    resource = b"8BIM" + struct.pack(">H", 0x0404) + b"\x00\x00" + struct.pack(">I", len(iptc))
    payload = b"Photoshop 3.0\x00" + resource + iptc
    segment = b"\xff\xed" + struct.pack(">H", len(payload) + 2) + payload
    return jpeg[:2] + segment + jpeg[2:]


def agency_jpeg(
    width: int = 2400,
    height: int = 1600,
    *,
    caption: str = "Rescuers search the rubble in Antakya, Turkey, on Feb. 7, 2023.",
    creator: str = "Jane Doe",
    credit: str = "Newsroom Wire/Jane Doe",
    copyright: str = "© 2023 Newsroom Wire",
    orientation: int | None = None,
    xmp: bool = True,
) -> bytes:
    """An agency photo: IPTC caption, by-line, credit and copyright, XMP too, EXIF with GPS."""
    exif = Image.Exif()
    exif[0x010F] = "Camera Maker"
    gps = exif.get_ifd(GPS_IFD)
    gps.update({1: "N", 2: (36.0, 12.0, 7.0), 3: "E", 4: (36.0, 9.0, 41.0)})
    if orientation:
        exif[ORIENTATION] = orientation
    buffer = io.BytesIO()
    extra = {}
    if xmp:
        packet = XMP_PACKET.format(
            caption=caption, creator=creator, rights=copyright, credit=credit
        )
        extra["xmp"] = packet.encode()
    _scene(width, height).save(buffer, "JPEG", quality=85, exif=exif, comment=b"secret", **extra)
    fields = {120: caption, 80: creator, 110: credit, 116: copyright} if caption else {}
    return _with_iptc(buffer.getvalue(), fields) if fields else buffer.getvalue()


def plain(format: str, width: int = 800, height: int = 600, mode: str = "RGB") -> bytes:
    buffer = io.BytesIO()
    _scene(width, height).convert(mode).save(buffer, format)
    return buffer.getvalue()


def bomb_png(width: int = 20_000, height: int = 20_000) -> bytes:
    """A PNG of a few hundred bytes whose header declares `width` by `height` pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    rows = zlib.compressobj(9)
    data = rows.compress(b"\x00" * (width + 1) * 8) + rows.flush()
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.cookie)</script></svg>"
)


def swapped_primaries_profile() -> bytes:
    """An ICC profile whose red primary is sRGB's blue and whose blue is sRGB's red: a file
    tagged with it means blue where its numbers say red, so converting is plain to see."""
    profile = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    count = struct.unpack_from(">I", profile, 128)[0]
    tags = {}
    for index in range(count):
        signature, offset, size = struct.unpack_from(">4sII", profile, 132 + 12 * index)
        tags[signature] = (index, offset, size)
    (red, *red_data), (blue, *blue_data) = tags[b"rXYZ"], tags[b"bXYZ"]
    struct.pack_into(">4sII", profile, 132 + 12 * red, b"rXYZ", *blue_data)
    struct.pack_into(">4sII", profile, 132 + 12 * blue, b"bXYZ", *red_data)
    return bytes(profile)


def red_with_profile(format: str, icc_profile: bytes, mode: str = "RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, (800, 600), (220, 20, 20)).save(buffer, format, icc_profile=icc_profile)
    return buffer.getvalue()
