"""Two sets of the help page's pictures compared: which changed, which went missing, which are new, and for each
changed one a picture of the difference.

Two pictures are the same when they have the same size and no more than `CHANGED_PIXELS_TOLERANCE` pixels differ
by more than `PIXEL_TOLERANCE` (of 255) in any colour channel: rendering noise stays below that, a changed label,
a moved field or another colour does not. The difference is drawn as three panels side by side: the earlier
picture, the new one, and the new one faded with every differing pixel red, the changed region framed in each.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw

PIXEL_TOLERANCE = 16
CHANGED_PIXELS_TOLERANCE = 8
SAME, CHANGED, MISSING, NEW = "same", "changed", "missing", "new"
_RED = (220, 20, 60)
_GAP = 12


@dataclass
class Change:
    name: str
    status: str
    """same, changed, missing (in the earlier set only) or new (in this set only)."""
    changed_pixels: int = 0
    region: tuple[int, int, int, int] | None = None
    """The box (left, top, right, bottom) around every differing pixel."""
    diff: str = ""
    """The picture of the difference, for a changed picture."""


def compare_sets(new: Path, earlier: Path, names: Iterable[str], diff_folder: Path) -> list[Change]:
    """Every picture of `names` and every PNG either folder holds, compared; differences drawn into `diff_folder`."""
    everything = set(names) | {path.name for folder in (new, earlier) for path in folder.glob("*.png")}
    changes = []
    for name in sorted(everything):
        now, before = new / name, earlier / name
        if not now.is_file() and not before.is_file():
            continue
        if not now.is_file():
            changes.append(Change(name, MISSING))
        elif not before.is_file():
            changes.append(Change(name, NEW))
        else:
            changes.append(compare(before, now, diff_folder / name))
    return changes


def compare(before: Path, after: Path, diff: Path) -> Change:
    """One picture against its earlier self; the difference drawn to `diff` when they differ."""
    with Image.open(before) as first, Image.open(after) as second:
        earlier, now = first.convert("RGB"), second.convert("RGB")
    size = (max(earlier.width, now.width), max(earlier.height, now.height))
    earlier_padded, now_padded = _padded(earlier, size), _padded(now, size)
    red, green, blue = ImageChops.difference(earlier_padded, now_padded).split()
    largest = ImageChops.lighter(ImageChops.lighter(red, green), blue)
    mask = largest.point(lambda value: 255 if value > PIXEL_TOLERANCE else 0)
    changed_pixels = mask.histogram()[255]
    if earlier.size == now.size and changed_pixels <= CHANGED_PIXELS_TOLERANCE:
        return Change(after.name, SAME, changed_pixels)
    region = mask.getbbox()
    diff.parent.mkdir(parents=True, exist_ok=True)
    _draw(earlier_padded, now_padded, mask, region).save(diff)
    return Change(after.name, CHANGED, changed_pixels, region, str(diff))


def _padded(picture: Image.Image, size: tuple[int, int]) -> Image.Image:
    if picture.size == size:
        return picture
    canvas = Image.new("RGB", size, (255, 255, 255))
    canvas.paste(picture, (0, 0))
    return canvas


def _draw(
    earlier: Image.Image, now: Image.Image, mask: Image.Image, region: tuple[int, int, int, int] | None
) -> Image.Image:
    width, height = now.size
    faded = Image.blend(now.convert("L").convert("RGB"), Image.new("RGB", now.size, (255, 255, 255)), 0.6)
    faded.paste(Image.new("RGB", now.size, _RED), (0, 0), mask)
    canvas = Image.new("RGB", (3 * width + 2 * _GAP, height), (128, 128, 128))
    for index, panel in enumerate((earlier, now, faded)):
        canvas.paste(panel, (index * (width + _GAP), 0))
    if region is not None:
        draw = ImageDraw.Draw(canvas)
        left, top, right, bottom = region
        for index in range(3):
            offset = index * (width + _GAP)
            draw.rectangle((offset + left - 3, top - 3, offset + right + 2, bottom + 2), outline=_RED, width=2)
    return canvas
