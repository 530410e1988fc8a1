"""Where the bundled templates and example profiles are, in a checkout and in an installed wheel."""

from pathlib import Path

_HERE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """`templates` or `profiles`: inside the package when installed, beside it in a checkout."""
    packaged = _HERE / "_data" / name
    return packaged if packaged.is_dir() else _HERE.parent / name


def templates_dir(language: str = "zh-Hans") -> Path:
    return data_dir("templates") / language


def languages(root: Path | None = None) -> list[str]:
    """The language folders under `root` (the bundled templates): those with a `locale.yaml`.

    Here, at the bottom layer, so the profile model can validate `language:` without the locale.
    """
    folder = data_dir("templates") if root is None else root
    return sorted(p.parent.name for p in folder.glob("*/locale.yaml"))
