"""The names users choose from on the command line, each list defined once.

Every other list of these names (help texts, checks, Manim's settings per name) is derived from
here. The chapters are listed by the film's registry (:mod:`scenes.chapters.registry`), the
themes and languages by the film too (:mod:`scenes.video_config`).
"""

from __future__ import annotations

QUALITIES = {"low": "low_quality", "medium": "medium_quality", "high": "high_quality",
             "4k": "fourk_quality"}
"""``--quality`` names and Manim's quality of each (480p15, 720p30, 1080p60, 2160p60)."""
ASPECTS = {"16:9": (16, 9), "4:3": (4, 3)}
"""``--aspect`` names and their width : height."""
VIDEO_FORMATS = ("mp4", "gif", "webm", "mov")
"""``render --format``: video containers."""
STILL_FORMATS = ("png", "svg")
"""``frames --format``: pictures, or vector stills."""
SLIDE_FORMATS = ("html", "pptx", "pdf")
"""``slides --to``: a reveal.js page, a PowerPoint deck, a PDF handout."""
