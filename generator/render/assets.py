"""What the PDF renderer may read: files inside the allowed folders, images checked first.

WeasyPrint would otherwise fetch any URL a (user-supplied) template names: the network, any
`file://` on the machine, a symlink out of the profile folder. The fetcher below serves only
PNG/JPEG images and stylesheets whose real path lies inside the template and asset folders,
plus self-contained `data:` URLs. WeasyPrint is imported only when a fetcher is made, so the
image checks (DOCX, `validate`) never load it.
"""

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
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
    """Check a seal/logo image: inside the folders, PNG or JPEG, ≤ 5 MB, ≤ 25 megapixels."""
    real = resolve_inside(path, allowed_dirs)
    size = real.stat().st_size
    if size > MAX_IMAGE_BYTES:
        raise AssetRefused(f"{path}: image is {size} bytes, over the limit of {MAX_IMAGE_BYTES}")
    try:
        with Image.open(real) as image:
            kind, (width, height) = image.format, image.size
            # Check the header's size before decoding a single pixel (decompression bombs).
            if width * height > MAX_IMAGE_PIXELS:
                raise AssetRefused(
                    f"{path}: image is {width}×{height} pixels, "
                    f"over the limit of {MAX_IMAGE_PIXELS // 1_000_000} megapixels"
                )
            if kind not in IMAGE_FORMATS:
                raise AssetRefused(f"{path}: image is {kind}, only PNG or JPEG are accepted")
            with _strict_decoding():
                image.load()  # a truncated or corrupt file fails here, not inside WeasyPrint
    except AssetRefused:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise AssetRefused(f"{path}: not a readable PNG or JPEG image ({error})") from error
    return ImageInfo(real, kind, IMAGE_FORMATS[kind], width, height)


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
