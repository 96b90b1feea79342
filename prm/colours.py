"""Readable text on a tenant's brand colours, by WCAG 2 contrast (https://www.w3.org/TR/WCAG21/#dfn-contrast-ratio).

A tenant may pick any colour: the text on it (the navigation bar, buttons, badges) is black or white, whichever
contrasts more, which is always at least 4.58:1; links on the white page take the brand colour darkened until it
reaches 4.5:1.
"""

BLACK, WHITE = "#000000", "#ffffff"
READABLE = 4.5  # WCAG AA for normal text


def _channels(colour):
    return [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]


def relative_luminance(colour):
    """The relative luminance (0 black … 1 white) of a colour written #rrggbb."""
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in _channels(colour)]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first, second):
    """From 1 (the same luminance) to 21 (black on white)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def text_colour_on(background):
    """Black or white, whichever is more readable on `background`."""
    return BLACK if contrast_ratio(background, BLACK) > contrast_ratio(background, WHITE) else WHITE


def readable_on_white(colour):
    """`colour`, darkened in steps of 5% until text in it reaches 4.5:1 on white."""
    channels = _channels(colour)
    factor = 1.0
    while contrast_ratio(_hex(c * factor for c in channels), WHITE) < READABLE:
        factor -= 0.05
    return _hex(c * factor for c in channels)


def _hex(channels):
    return "#" + "".join(f"{round(max(c, 0) * 255):02x}" for c in channels)
