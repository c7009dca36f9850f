"""The installed version of analyse, from its package metadata (importlib.metadata loads only when asked)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("analyse")
except PackageNotFoundError:  # running from a source tree
    __version__ = "0.0.0+unknown"
