"""json.encoder: where CPython defines the encoder; toy's lives in `json` itself."""

from json import JSONEncoder

__all__ = ['JSONEncoder']
