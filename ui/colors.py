"""Colours the UI computes rather than picks: heatmap cells, with text that stays readable on them.

Contrast follows WCAG 2 (relative luminance; 4.5:1 for normal text), the rule axe-core checks.
"""

from __future__ import annotations

MIN_CONTRAST = 4.5  # WCAG AA for text under 18pt

Rgb = tuple[int, int, int]


def parse_hex(value: str) -> Rgb:
    value = value.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def to_hex(rgb: Rgb) -> str:
    return "#" + "".join(f"{c:02x}" for c in rgb)


def mix(low: str, high: str, t: float) -> str:
    """The colour a fraction `t` (0..1) of the way from `low` to `high`."""
    a, b = parse_hex(low), parse_hex(high)
    t = min(max(t, 0.0), 1.0)
    r, g, bl = (round(x + (y - x) * t) for x, y in zip(a, b, strict=True))
    return to_hex((r, g, bl))


def luminance(color: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in parse_hex(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_on(background: str, preferred: tuple[str, ...] = ("#ffffff",)) -> str:
    """The first of `preferred` readable on `background`, else black or white, whichever reads better.

    Between about 18% and 25% luminance only pure black reaches 4.5:1, so black is the fallback.
    """
    for color in preferred:
        if contrast(color, background) >= MIN_CONTRAST:
            return color
    return max(("#000000", "#ffffff"), key=lambda c: contrast(c, background))
