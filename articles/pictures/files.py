"""What a picture file is, what it says about itself, and the renditions made from it.

Nothing here knows of models or storage: it reads an uploaded file, refuses what is hostile
or broken with a message an editor can act on, and makes the renditions readers get. Each
check costs memory bounded by `max_pixels`: the header is read before anything is decoded,
and a JPEG (the camera format, and the large one) is decoded straight at the scale the
largest rendition needs, never at full size (docs/pictures.md has the measured figures).
"""

import io
import warnings
from dataclasses import dataclass, field
from typing import IO

from PIL import Image, ImageCms, ImageOps, IptcImagePlugin, UnidentifiedImageError

from ..text import visible_line

# The formats a newsroom photo comes in, by the names Pillow gives them.
FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP"}
EXTENSIONS = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP"}
CONTENT_TYPES = {
    "image/jpeg": "JPEG",
    "image/pjpeg": "JPEG",
    "image/png": "PNG",
    "image/webp": "WEBP",
}

# Widths of the renditions at the picture's own shape (none wider than the original), each in
# WebP and in JPEG for the browsers and feed readers that take no WebP.
WIDTHS = (320, 640, 1024, 1600)
# The shapes that search engines' news features ask for, as JPEG at this width.
CROPS = {"16x9": (16, 9), "4x3": (4, 3), "1x1": (1, 1)}
CROP_WIDTH = 1200
QUALITY = {"WEBP": 80, "JPEG": 82}


class PictureRefused(ValueError):
    """A file that is not stored, with the message the editor is shown."""


@dataclass(frozen=True)
class Rendition:
    """One file readers get: `shape` is "" for the picture's own shape or a crop's name."""

    width: int
    height: int
    format: str  # "WEBP" or "JPEG"
    shape: str
    content: bytes = field(repr=False)

    @property
    def extension(self) -> str:
        return ".webp" if self.format == "WEBP" else ".jpg"

    @property
    def content_type(self) -> str:
        return "image/webp" if self.format == "WEBP" else "image/jpeg"

    def describe(self, name: str) -> dict:
        """What the site needs of it, stored with the picture: no file is opened to link it."""
        return {
            "name": name,
            "width": self.width,
            "height": self.height,
            "type": self.content_type,
            "bytes": len(self.content),
            "shape": self.shape,
        }


@dataclass
class Metadata:
    """What the photographer or agency wrote into the file (IPTC, XMP, EXIF)."""

    caption: str = ""
    creator: str = ""
    credit: str = ""
    copyright: str = ""

    def merged(self, other: "Metadata") -> "Metadata":
        """These values, with `other`'s where these have none."""
        return Metadata(
            **{name: getattr(self, name) or getattr(other, name) for name in self.__dict__}
        )


@dataclass
class Inspected:
    format: str
    width: int  # as readers see it, orientation applied
    height: int
    metadata: Metadata
    image: Image.Image = field(repr=False)  # decoded, at least as large as the renditions need


def _megapixels(pixels: int) -> str:
    return f"{pixels / 1_000_000:.0f} megapixels"


def _looks_like_markup(head: bytes) -> bool:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return start.startswith((b"<?xml", b"<svg", b"<!doctype", b"<html")) or b"<svg" in head.lower()


def inspect(
    file: IO[bytes],
    name: str,
    content_type: str | None,
    *,
    max_bytes: int,
    max_pixels: int,
) -> Inspected:
    """Check an uploaded file and decode it, or raise `PictureRefused` saying why not."""
    size = getattr(file, "size", None)
    if size is not None and size > max_bytes:
        raise PictureRefused(
            f"The file is larger than {max_bytes / 1_048_576:.3g} MB, the most a picture may "
            "be. Export it smaller: the largest rendition is 1,600 pixels wide."
        )
    extension = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    file.seek(0)
    head = file.read(1024)
    file.seek(0)
    if extension == ".svg" or content_type == "image/svg+xml" or _looks_like_markup(head):
        raise PictureRefused(
            "SVG and other markup files are refused: they can carry scripts. "
            "Upload a JPEG, PNG or WebP picture."
        )
    try:
        with warnings.catch_warnings():
            # Pillow's own bomb guard warns below its hard limit: both are refusals here.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(file, formats=list(FORMATS))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PictureRefused(
            "The file declares far more pixels than any photo has (a decompression bomb); "
            f"pictures may have at most {_megapixels(max_pixels)}."
        ) from None
    except UnidentifiedImageError:
        raise PictureRefused(
            "The file is not a JPEG, PNG or WebP picture. Upload one of those."
        ) from None
    claimed = EXTENSIONS.get(extension)
    if claimed is None:
        raise PictureRefused(
            f"Files named “{extension or 'without an extension'}” are not accepted: "
            "upload a .jpg, .png or .webp picture."
        )
    claimed_by_type = CONTENT_TYPES.get((content_type or "").lower(), claimed)
    if image.format not in (claimed, claimed_by_type) or claimed != claimed_by_type:
        raise PictureRefused(
            f"The file is named as a {FORMATS[claimed]} picture but its content is "
            f"{FORMATS[image.format]}. Save it again as what it is, or rename it."
        )
    if image.width * image.height > max_pixels:
        raise PictureRefused(
            f"The picture declares {image.width:,} by {image.height:,} pixels "
            f"({_megapixels(image.width * image.height)}); pictures may have at most "
            f"{_megapixels(max_pixels)}. It may be a decompression bomb; if it is a real "
            "photo, resize it first."
        )
    metadata = read_metadata(image)
    width, height = _oriented_size(image)
    # What the renditions need (in the stored orientation): the widest at the picture's shape,
    # and the square crop.
    box = (max(WIDTHS), CROP_WIDTH) if (width, height) == image.size else (CROP_WIDTH, max(WIDTHS))
    if image.format == "JPEG":
        # Decoded at the smallest scale (1/2, 1/4, 1/8) still as large as that box.
        image.draft("RGB", box)
    try:
        image.load()
    except (OSError, SyntaxError, ValueError):
        raise PictureRefused(
            "The picture is damaged or incomplete (it may have been cut off while copying). "
            "Upload the whole file again."
        ) from None
    return Inspected(image.format, width, height, metadata, _reduced(image, box))


def _reduced(image: Image.Image, box: tuple[int, int]) -> Image.Image:
    """The decoded picture shrunk by a whole factor to no less than `box`, the full bitmap
    let go at once: what the renditions are made from, without copies of a large bitmap."""
    factor = int(min(image.width / box[0], image.height / box[1]))
    if factor < 2:
        return image
    reduced = image.reduce(factor)
    reduced.info = image.info  # orientation is applied later, from the EXIF
    image.close()
    return reduced


def _oriented_size(image: Image.Image) -> tuple[int, int]:
    """The size readers see: a quarter turn swaps width and height."""
    width, height = image.size
    if image.getexif().get(0x0112) in (5, 6, 7, 8):  # rotated a quarter turn
        return height, width
    return width, height


# --- what the file says about itself


# The longest text read from a file: the library's one-line fields hold 200 characters; a
# caption is cut where no real one runs.
LINE_LIMIT = 200
CAPTION_LIMIT = 2000


def _text(value, *, prose: bool = False) -> str:
    """One line of the file's text, without the control characters and invisible formatting
    the library's fields refuse (IPTC from old software pads with NULs), cut to what the
    library holds. A caption (`prose`) keeps the joiners its script may need."""
    if isinstance(value, list):
        value = value[0] if value else b""
    if isinstance(value, bytes):
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError:
            value = value.decode("latin-1")
    return visible_line(str(value), prose=prose)[: CAPTION_LIMIT if prose else LINE_LIMIT]


def _iptc(image: Image.Image) -> Metadata:
    try:
        info = IptcImagePlugin.getiptcinfo(image) or {}
    except (OSError, SyntaxError, ValueError, IndexError):
        return Metadata()
    return Metadata(
        caption=_text(info.get((2, 120), ""), prose=True),
        creator=_text(info.get((2, 80), "")),
        credit=_text(info.get((2, 110), "")),
        copyright=_text(info.get((2, 116), "")),
    )


def _xmp_value(value) -> str:
    """The text of an XMP property: plain, or the first item of its Alt, Seq or Bag."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return _xmp_value(value[0]) if value else ""
    if isinstance(value, dict):
        if "text" in value:
            return _xmp_value(value["text"])
        for key in ("Alt", "Seq", "Bag", "li"):
            if key in value:
                return _xmp_value(value[key])
    return ""


def _xmp_descriptions(xmp) -> list[dict]:
    descriptions = xmp.get("xmpmeta", {}).get("RDF", {}).get("Description", [])
    return descriptions if isinstance(descriptions, list) else [descriptions]


def _xmp(image: Image.Image) -> Metadata:
    try:
        xmp = image.getxmp()
    except Exception:  # a malformed packet is only missing metadata
        return Metadata()
    found = Metadata()
    for description in _xmp_descriptions(xmp):
        if not isinstance(description, dict):
            continue
        found = found.merged(
            Metadata(
                caption=_text(_xmp_value(description.get("description", "")), prose=True),
                creator=_text(_xmp_value(description.get("creator", ""))),
                credit=_text(_xmp_value(description.get("Credit", ""))),
                copyright=_text(_xmp_value(description.get("rights", ""))),
            )
        )
    return found


def _exif(image: Image.Image) -> Metadata:
    exif = image.getexif()
    return Metadata(
        caption=_text(exif.get(0x010E, ""), prose=True),
        creator=_text(exif.get(0x013B, "")),
        copyright=_text(exif.get(0x8298, "")),
    )


def read_metadata(image: Image.Image) -> Metadata:
    """Caption, creator, credit and copyright: IPTC first, then XMP, then EXIF."""
    return _iptc(image).merged(_xmp(image)).merged(_exif(image))


# --- renditions


def _encode(image: Image.Image, format: str) -> bytes:
    if format == "JPEG" and image.mode != "RGB":
        flat = Image.new("RGB", image.size, "white")
        flat.paste(image, mask=image.getchannel("A") if "A" in image.getbands() else None)
        image = flat
    # Nothing of the source's metadata travels: not its EXIF (GPS can reveal a source), XMP,
    # comment or colour profile.
    image.info = {}
    buffer = io.BytesIO()
    image.save(buffer, format, quality=QUALITY[format], optimize=format == "JPEG")
    return buffer.getvalue()


SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
# The modes whose colours a profile can describe here; a palette or a bit map is left as it is.
PROFILED_MODES = {"RGB": "RGB", "RGBA": "RGBA", "CMYK": "RGB", "L": "RGB"}


def _in_srgb(image: Image.Image) -> Image.Image:
    """The colours the file's own profile means, in sRGB. Renditions carry no profile, and a
    browser reads a file without one as sRGB: an agency's Adobe RGB or a print desk's CMYK
    left as numbers would look washed out or wrong."""
    icc = image.info.get("icc_profile")
    if not icc or image.mode not in PROFILED_MODES:
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        return ImageCms.profileToProfile(image, source, SRGB, outputMode=PROFILED_MODES[image.mode])
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image  # a broken profile: the numbers as they are, as a browser would show them


def _upright(inspected: Inspected) -> Image.Image:
    image = _in_srgb(ImageOps.exif_transpose(inspected.image))
    if image.mode not in ("RGB", "RGBA"):
        has_alpha = "A" in image.getbands() or "transparency" in image.info
        image = image.convert("RGBA" if has_alpha else "RGB")
    return image


def _crop(image: Image.Image, ratio: tuple[int, int]) -> Image.Image:
    """The largest centred box of that shape."""
    width, height = image.size
    target_w = min(width, height * ratio[0] // ratio[1])
    target_h = min(height, width * ratio[1] // ratio[0])
    left = (width - target_w) // 2
    top = (height - target_h) // 2
    return image.crop((left, top, left + target_w, top + target_h))


def _scaled(image: Image.Image, width: int) -> Image.Image:
    if width >= image.width:
        return image.copy()
    height = max(1, round(image.height * width / image.width))
    return image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)


def make_renditions(inspected: Inspected) -> list[Rendition]:
    """Every file readers get of the picture, made once, upright and without metadata."""
    image = _upright(inspected)
    widths = [width for width in WIDTHS if width < inspected.width] or [inspected.width]
    if inspected.width <= max(WIDTHS) and inspected.width not in widths:
        widths.append(inspected.width)
    renditions = []
    for width in widths:
        scaled = _scaled(image, width)
        for format in ("WEBP", "JPEG"):
            content = _encode(scaled, format)
            renditions.append(Rendition(width, scaled.height, format, "", content))
    for shape, ratio in CROPS.items():
        cropped = _scaled(_crop(image, ratio), CROP_WIDTH)
        content = _encode(cropped, "JPEG")
        renditions.append(Rendition(cropped.width, cropped.height, "JPEG", shape, content))
    return renditions
