"""Reading tender files: the generic loader of `generator.profiles.loading` with TenderFile."""

from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel

from generator.errors import Location
from generator.profiles.loading import PROFILE_MODELS, load_model
from generator.tender.model import TenderFile

__all__ = ["FILE_MODELS", "load_tender"]

FILE_MODELS: Mapping[str, type[BaseModel]] = {**PROFILE_MODELS, "tender": TenderFile}
"""The model of every kind of file (for `validate`, `schema` and tools reading any file)."""


def load_tender(path: Path) -> tuple[TenderFile, dict[str, Location]]:
    """A validated tender file and where each of its values is, by dotted path."""
    return load_model(path, "tender", TenderFile)
