"""The version of aftersales, in the base layer so every stage can name it."""

__version__ = "0.1.0"
