"""Live updates: every act reaches the open pages of its organization through
Server-Sent Events, each event carrying the journal height it was recorded at."""

from __future__ import annotations

from tauride.web.live.events import Event
from tauride.web.live.updates import LiveUpdates

__all__ = ["Event", "LiveUpdates"]
