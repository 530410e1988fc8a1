"""What the PDF renderer may read: files inside the allowed folders, images checked first.

WeasyPrint would otherwise fetch any URL a (user-supplied) template names: the network, any
`file://` on the machine, a symlink out of the profile folder. The fetcher below serves only
PNG/JPEG images and stylesheets whose real path lies inside the template and asset folders,
plus self-contained `data:` URLs. WeasyPrint is imported only when a fetcher is made, so the
image checks (DOCX, `validate`) never load it.
"""

import io
import threading
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from PIL import Image, ImageFile, UnidentifiedImageError

from generator.errors import RenderError

MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_IMAGE_PIXELS = 25_000_000
MAX_STYLESHEET_BYTES = 1024 * 1024
IMAGE_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg"}
STYLESHEET_SUFFIXES = {".css"}


class TooManyPixels(ValueError):
    """An image Pillow itself will not open: more pixels than its own bomb limit."""


def open_image(data: bytes) -> Image.Image:
    """`Image.open` of `data`, our pixel limit the only one said: Pillow warns (on stderr, an
    error under pytest) above 89 megapixels and raises above 179, both far above
    MAX_IMAGE_PIXELS, which callers check on the size the header gives."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            return Image.open(io.BytesIO(data))
        except Image.DecompressionBombError:
            raise TooManyPixels(
                f"image is over {2 * (Image.MAX_IMAGE_PIXELS or 0)} pixels, over the limit of "
                f"{MAX_IMAGE_PIXELS // 1_000_000} megapixels"
            ) from None


_STRICT = threading.Lock()


@contextmanager
def _strict_decoding() -> Iterator[None]:
    # WeasyPrint sets Pillow's LOAD_TRUNCATED_IMAGES for the whole process, which would let a
    # cut-off seal through as a half-grey picture; a check must see the damage.
    with _STRICT:
        saved = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = saved


class AssetRefused(RenderError):
    """A resource the renderer will not use; the message names it and says why."""


@dataclass(frozen=True)
class ImageInfo:
    """A checked image: its real path, format, MIME type and size in pixels."""

    path: Path
    format: str
    mime_type: str
    width: int
    height: int


def resolve_inside(path: Path, allowed_dirs: Iterable[Path]) -> Path:
    """The real path of an existing regular file inside one of `allowed_dirs`, or AssetRefused.

    Symlinks are resolved first, so a link inside a folder pointing out of it is refused.
    """
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError) as error:
        raise AssetRefused(f"{path}: file not found ({error.__class__.__name__})") from error
    roots = [d.resolve() for d in allowed_dirs]
    if not any(real.is_relative_to(root) for root in roots):
        where = ", ".join(str(r) for r in roots) or "no folder"
        raise AssetRefused(f"{path}: outside the allowed folders ({where})")
    if not real.is_file():
        raise AssetRefused(f"{path}: not a regular file")
    return real


def check_image(path: Path, allowed_dirs: Iterable[Path]) -> ImageInfo:
    """Check a seal/logo image: inside the folders, PNG or JPEG, ≤ 5 MB, ≤ 25 megapixels,
    readable to the last pixel and one `normalised` can turn into what both renderers take."""
    real = resolve_inside(path, allowed_dirs)
    info, _ = _prepared(real, *_stamp(real), str(path))
    return info


@dataclass(frozen=True)
class PreparedImage:
    """An image as both renderers receive it: 8-bit RGB/RGBA PNG or baseline JFIF JPEG."""

    info: ImageInfo
    data: bytes

    @property
    def data_url(self) -> str:
        import base64

        return f"data:{self.info.mime_type};base64,{base64.b64encode(self.data).decode()}"


def prepare_image(path: Path, allowed_dirs: Iterable[Path]) -> PreparedImage:
    """`check_image`, then the bytes the renderers use: the file itself when it already is an
    8-bit RGB/RGBA PNG or a baseline JFIF RGB JPEG, else a normalised copy.

    python-docx reads a JPEG's size from its JFIF/Exif header and gives up without one (common
    for scans); CMYK JPEGs, 16-bit and palette PNGs are drawn differently or not at all by the
    two renderers. Converting here means they never see anything else.
    """
    real = resolve_inside(path, allowed_dirs)
    info, data = _prepared(real, *_stamp(real), str(path))
    return PreparedImage(info, data)


def _stamp(real: Path) -> tuple[int, int]:
    stat = real.stat()
    return stat.st_mtime_ns, stat.st_size


@lru_cache(maxsize=16)
def _prepared(real: Path, _mtime: int, size: int, shown: str) -> tuple[ImageInfo, bytes]:
    # Cached by the file's time and size: a seal is checked by the pre-flight and drawn twice.
    if size > MAX_IMAGE_BYTES:
        raise AssetRefused(f"{shown}: image is {size} bytes, over the limit of {MAX_IMAGE_BYTES}")
    raw = real.read_bytes()
    try:
        with open_image(raw) as image:
            kind, (width, height) = image.format, image.size
            # Check the header's size before decoding a single pixel (decompression bombs).
            if width * height > MAX_IMAGE_PIXELS:
                raise AssetRefused(
                    f"{shown}: image is {width}×{height} pixels, "
                    f"over the limit of {MAX_IMAGE_PIXELS // 1_000_000} megapixels"
                )
            if kind not in IMAGE_FORMATS:
                raise AssetRefused(f"{shown}: image is {kind}, only PNG or JPEG are accepted")
            with _strict_decoding():
                image.load()  # a truncated or corrupt file fails here, not inside a renderer
            if _usable(image, raw):
                data = raw
            else:
                data, kind = _normalised(image)
    except AssetRefused:
        raise
    except TooManyPixels as error:
        raise AssetRefused(f"{shown}: {error}") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise AssetRefused(f"{shown}: not a readable PNG or JPEG image ({error})") from error
    return ImageInfo(real, kind, IMAGE_FORMATS[kind], width, height), data


def _usable(image: Image.Image, raw: bytes) -> bool:
    """Whether both renderers take the file as it is."""
    if image.format == "JPEG":
        return (
            image.mode in {"RGB", "L"}
            and "jfif" in image.info
            and not image.info.get("progressive")
            and not image.info.get("progression")
        )
    # PNG: the IHDR chunk's bit depth (byte 24) and interlace method (byte 28).
    return image.mode in {"RGB", "RGBA"} and raw[24] == 8 and raw[28] == 0


def _normalised(image: Image.Image) -> tuple[bytes, str]:
    """An 8-bit RGB(A) PNG of a PNG, a baseline JFIF RGB JPEG of a JPEG."""
    if image.mode in {"I", "I;16", "I;16B", "I;16L", "I;16N"}:
        # 16-bit grey: scale to 8 bits (convert() would clip everything above 255 to white).
        image = image.convert("I").point(lambda v: v / 256).convert("L")
    out = io.BytesIO()
    if image.format == "JPEG" or (image.format is None and image.mode == "CMYK"):
        # Pillow undoes Adobe's inverted CMYK when it decodes; the copy is plain sRGB-ish RGB.
        image.convert("RGB").save(out, format="JPEG", quality=95, progressive=False)
        return out.getvalue(), "JPEG"
    has_alpha = image.mode in {"RGBA", "LA", "PA", "La"} or "transparency" in image.info
    image.convert("RGBA" if has_alpha else "RGB").save(out, format="PNG")
    return out.getvalue(), "PNG"


def asset_fetcher(allowed_dirs: Iterable[Path]) -> Any:
    """A WeasyPrint URL fetcher restricted to checked files inside `allowed_dirs`."""
    return _fetcher_class()(allowed_dirs)


@cache
def _fetcher_class() -> Any:
    # The public URLFetcher of WeasyPrint ≥ 68, subclassed on first use: importing this module
    # must not import WeasyPrint.
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class AssetFetcher(URLFetcher):  # type: ignore[misc]
        """A WeasyPrint URL fetcher restricted to checked files inside `allowed_dirs`."""

        def __init__(self, allowed_dirs: Iterable[Path], **kwargs: Any) -> None:
            # `fetch` below refuses every scheme but file: and data: itself, and hands only
            # data: URLs on; WeasyPrint 68.0's own `allowed_protocols` check refuses them all
            # (it looks for "://"), so it is not used.
            super().__init__(allow_redirects=False, **kwargs)
            self.allowed_dirs = tuple(Path(d) for d in allowed_dirs)

        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            parts = urlsplit(url)
            scheme = parts.scheme.lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme != "file":
                raise AssetRefused(f"{url}: only files inside the template and asset folders")
            if parts.netloc not in {"", "localhost"}:
                raise AssetRefused(f"{url}: remote file URLs are not allowed")
            path = Path(unquote(parts.path))
            real = resolve_inside(path, self.allowed_dirs)
            if real.suffix.lower() in STYLESHEET_SUFFIXES:
                size = real.stat().st_size
                if size > MAX_STYLESHEET_BYTES:
                    raise AssetRefused(f"{path}: stylesheet over {MAX_STYLESHEET_BYTES} bytes")
                mime = "text/css"
            else:
                mime = check_image(real, self.allowed_dirs).mime_type
            return URLFetcherResponse(real.as_uri(), real.read_bytes(), {"Content-Type": mime})

    return AssetFetcher
