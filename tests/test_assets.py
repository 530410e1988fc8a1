"""The restricted URL fetcher and the image checks."""

import os
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from generator.errors import RenderError
from generator.render.assets import (
    MAX_IMAGE_BYTES,
    AssetRefused,
    asset_fetcher,
    check_image,
    resolve_inside,
)


@pytest.fixture
def allowed(tmp_path: Path) -> Path:
    folder = tmp_path / "assets"
    folder.mkdir()
    Image.new("RGB", (40, 30), "red").save(folder / "seal.png")
    Image.new("RGB", (40, 30), "blue").save(folder / "logo.jpg", format="JPEG")
    return folder


@pytest.fixture
def fetcher(allowed: Path) -> Any:
    return asset_fetcher([allowed])


def test_serves_a_png_inside(fetcher: Any, allowed: Path) -> None:
    response = fetcher.fetch((allowed / "seal.png").as_uri())
    assert response.content_type == "image/png"
    assert response.read() == (allowed / "seal.png").read_bytes()


def test_serves_a_jpeg_and_a_stylesheet(fetcher: Any, allowed: Path) -> None:
    (allowed / "extra.css").write_text("p { color: red }", encoding="utf-8")
    assert fetcher.fetch((allowed / "logo.jpg").as_uri()).content_type == "image/jpeg"
    assert fetcher.fetch((allowed / "extra.css").as_uri()).read() == b"p { color: red }"


def test_serves_data_urls(fetcher: Any) -> None:
    assert fetcher.fetch("data:text/plain;base64,aGk=").read() == b"hi"


def test_refuses_a_file_outside(fetcher: Any, tmp_path: Path) -> None:
    outside = tmp_path / "other.png"
    Image.new("RGB", (4, 4)).save(outside)
    with pytest.raises(AssetRefused, match="outside the allowed folders"):
        fetcher.fetch(outside.as_uri())


def test_refuses_dot_dot_out_of_the_folder(fetcher: Any, allowed: Path) -> None:
    Image.new("RGB", (4, 4)).save(allowed.parent / "escape.png")
    with pytest.raises(AssetRefused, match="outside the allowed folders"):
        fetcher.fetch(allowed.as_uri() + "/../escape.png")


def test_refuses_system_files(fetcher: Any) -> None:
    with pytest.raises(AssetRefused, match="outside"):
        fetcher.fetch("file:///etc/passwd")


@pytest.mark.parametrize(
    "url",
    ["http://example.com/seal.png", "https://example.com/a.css", "ftp://example.com/x.png"],
)
def test_refuses_the_network(fetcher: Any, url: str) -> None:
    with pytest.raises((AssetRefused, ValueError), match=r"example\.com"):
        fetcher.fetch(url)


def test_refuses_remote_file_urls(fetcher: Any) -> None:
    with pytest.raises(AssetRefused, match="remote"):
        fetcher.fetch("file://server/share/seal.png")


def test_refuses_a_symlink_pointing_out(fetcher: Any, allowed: Path, tmp_path: Path) -> None:
    target = tmp_path / "secret.png"
    Image.new("RGB", (4, 4)).save(target)
    (allowed / "link.png").symlink_to(target)
    with pytest.raises(AssetRefused, match="outside the allowed folders"):
        fetcher.fetch((allowed / "link.png").as_uri())


def test_follows_a_symlink_that_stays_inside(fetcher: Any, allowed: Path) -> None:
    (allowed / "alias.png").symlink_to(allowed / "seal.png")
    assert fetcher.fetch((allowed / "alias.png").as_uri()).content_type == "image/png"


def test_refuses_a_non_image(fetcher: Any, allowed: Path) -> None:
    (allowed / "fake.png").write_text("not an image", encoding="utf-8")
    with pytest.raises(AssetRefused, match="not a readable PNG or JPEG"):
        fetcher.fetch((allowed / "fake.png").as_uri())


def test_refuses_other_image_formats(fetcher: Any, allowed: Path) -> None:
    Image.new("RGB", (4, 4)).save(allowed / "seal.gif", format="GIF")
    with pytest.raises(AssetRefused, match="only PNG or JPEG"):
        fetcher.fetch((allowed / "seal.gif").as_uri())


@pytest.mark.parametrize("name", ["seal.png", "logo.jpg"])
def test_refuses_a_truncated_image(allowed: Path, name: str) -> None:
    # WeasyPrint (imported by the fetcher) tells Pillow to accept truncated images.
    data = (allowed / name).read_bytes()
    cut = allowed / f"cut-{name}"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(AssetRefused, match=f"cut-{name}: not a readable PNG or JPEG"):
        check_image(cut, [allowed])


def test_refuses_too_many_pixels(fetcher: Any, allowed: Path) -> None:
    # 1-bit and uniform: a few KB on disk, 30 megapixels once decoded.
    Image.new("1", (6000, 5000)).save(allowed / "huge.png")
    assert (allowed / "huge.png").stat().st_size < MAX_IMAGE_BYTES
    with pytest.raises(AssetRefused, match="6000×5000 pixels"):
        fetcher.fetch((allowed / "huge.png").as_uri())


def test_refuses_too_many_bytes(allowed: Path) -> None:
    big = allowed / "big.png"
    with big.open("wb") as out:
        out.write((allowed / "seal.png").read_bytes())
        out.write(os.urandom(MAX_IMAGE_BYTES))
    with pytest.raises(AssetRefused, match="over the limit of"):
        check_image(big, [allowed])


def test_check_image_reports_size_and_type(allowed: Path) -> None:
    info = check_image(allowed / "logo.jpg", [allowed])
    assert (info.format, info.mime_type, info.width, info.height) == ("JPEG", "image/jpeg", 40, 30)
    assert info.path == (allowed / "logo.jpg").resolve()


def test_missing_file_is_named_and_a_render_error(allowed: Path) -> None:
    with pytest.raises(RenderError, match=r"nope\.png: file not found"):
        check_image(allowed / "nope.png", [allowed])


def test_a_folder_is_not_a_file(allowed: Path) -> None:
    (allowed / "dir.png").mkdir()
    with pytest.raises(AssetRefused, match="not a regular file"):
        resolve_inside(allowed / "dir.png", [allowed])
