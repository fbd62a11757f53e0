"""The priority colours of warning levels I-IV (ISA-101, the four-colour risk map) and the text
drawn on them: the only saturated colours on screen, kept here once. `resources/theme.qss`
repeats the same values for the stylesheet; a test holds the two together and checks that every
text on a priority colour meets WCAG 2 AA contrast (4.5:1)."""

from __future__ import annotations

PRIORITY_COLORS = {1: "#d62728", 2: "#ff7f0e", 3: "#f2c200", 4: "#2a6fc0"}
PRIORITY_TEXT = {1: "#ffffff", 2: "#1a1a1a", 3: "#1a1a1a", 4: "#ffffff"}
WCAG_AA = 4.5  # normal text, WCAG 2.x success criterion 1.4.3


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of an sRGB colour written `#rrggbb`."""
    h = colour.lstrip("#")
    channels = [int(h[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2 contrast ratio between two colours, 1 to 21."""
    hi, lo = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)
