"""Statistics on a Survey: scores, reliability, agreement, level gaps, wave change."""

from .scores import condition_means, condition_scores

__all__: list[str] = ["condition_scores", "condition_means"]
