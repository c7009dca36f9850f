"""Statistics on a Survey: scores, reliability, agreement, level gaps, wave change."""

__all__: list[str] = []
