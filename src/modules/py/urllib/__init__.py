"""URL handling: `urllib.parse`, `urllib.request` and `urllib.error`."""
