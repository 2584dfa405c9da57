"""Small-number suppression: kept for existing imports; see :mod:`cfanalysis.publish.disclosure`."""

from cfanalysis.publish.disclosure import Suppressed, hide_where_small, not_shown, suppress

__all__ = ["Suppressed", "hide_where_small", "not_shown", "suppress"]
