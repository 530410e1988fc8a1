"""aftersales: after-sales service commitment letters (售后服务承诺书) from YAML profiles."""

__version__ = "0.1.0"
