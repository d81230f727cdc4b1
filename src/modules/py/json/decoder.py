"""json.decoder: where CPython defines the decoder; toy's lives in `json` itself."""

from json import JSONDecoder, JSONDecodeError

__all__ = ['JSONDecoder', 'JSONDecodeError']
