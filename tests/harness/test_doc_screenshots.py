"""The help page as data, and two sets of its pictures compared."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from loginspec import helppage, picturediff

PAGE = """---
title: Logging in
language: en
---

# Log in

1. Enter your user ID and password.
2. Select **Log in**. Wait a moment.

```
**Not a label** inside code
```

## <a id="forgot-password" />Forgot your password?

Click the **Forgot your password?** link, then **Reset Password**.

**Microsoft 365:**

![Log in -screenshot][img4]

![Log in Microsoft -screenshot][img4]

Click ![icon][img2] **Service**, then **Log in**.

<!-- Referenced images -->
[1]: https://example.com/faq
[img2]: ../../../../common/icons/nav-cs.png
[img4]: media/login-screen.png
"""


def test_the_help_pages_labels_pictures_and_language() -> None:
    page = helppage.parse(PAGE)
    assert page.language == "en"
    labels = {label.text: label for label in page.labels}
    assert list(labels) == ["Log in", "Forgot your password?", "Reset Password", "Microsoft 365:", "Service"]
    assert [(place.line, place.section) for place in labels["Log in"].occurrences] == [
        (9, "Log in"),
        (25, "Forgot your password?"),
    ]
    assert labels["Microsoft 365:"].not_a_screen_label  # a caption, listed with its reason
    assert [label.text for label in page.screen_labels] == [
        "Log in",
        "Forgot your password?",
        "Reset Password",
        "Service",
    ]
    assert page.pictures == ["login-screen.png"]  # the icon is not a screen
    icon, screen = page.images
    assert icon.name == "nav-cs.png" and icon.not_a_screen
    assert screen.alt == ["Log in -screenshot", "Log in Microsoft -screenshot"]


@pytest.mark.skipif(not helppage.DEFAULT_HELP_PAGE.is_file(), reason="the shared folder is not beside the project")
def test_the_real_help_page() -> None:
    page = helppage.load()
    assert page.pictures == [
        "create-password-strenght-indicator.png",
        "login-screen.png",
        "activate-now-email.png",
        "create-password.png",
        "login-screen-google.png",
        "login-screen-google-password.png",
        "login-screen-microsoft-password.png",
    ]
    assert {label.text for label in page.screen_labels} >= {"Log in", "Activate now", "Reset Password", "Log out"}
    assert {label.text: label.not_a_screen_label for label in page.labels if label.not_a_screen_label}.keys() == {
        "Microsoft 365:",
        "Google Workspace:",
        "File",
    }


def _picture(path: Path, size: tuple[int, int] = (120, 60), box: tuple[int, int, int, int] | None = None) -> Path:
    image = Image.new("RGB", size, (240, 244, 248))
    if box:
        ImageDraw.Draw(image).rectangle(box, fill=(11, 92, 173))
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path)
    return path


def test_comparing_two_sets(tmp_path: Path) -> None:
    earlier, new = tmp_path / "earlier", tmp_path / "new"
    _picture(earlier / "same.png", box=(10, 10, 40, 30))
    _picture(new / "same.png", box=(10, 10, 40, 30))
    _picture(earlier / "noise.png")
    noisy = Image.open(_picture(new / "noise.png"))
    noisy.putpixel((5, 5), (250, 250, 250))  # one pixel, a little lighter: rendering noise
    noisy.save(new / "noise.png")
    _picture(earlier / "changed.png", box=(10, 10, 40, 30))
    _picture(new / "changed.png", box=(10, 10, 60, 30))
    _picture(earlier / "resized.png")
    _picture(new / "resized.png", size=(120, 80))
    _picture(earlier / "gone.png")
    _picture(new / "added.png")
    changes = {
        change.name: change
        for change in picturediff.compare_sets(new, earlier, ["same.png", "never.png"], tmp_path / "diff")
    }
    assert {name: change.status for name, change in changes.items()} == {
        "same.png": "same",
        "noise.png": "same",
        "changed.png": "changed",
        "resized.png": "changed",
        "gone.png": "missing",
        "added.png": "new",
    }
    changed = changes["changed.png"]
    assert changed.region == (41, 10, 61, 31) and changed.changed_pixels == 20 * 21
    with Image.open(changed.diff) as drawn:
        assert drawn.size == (3 * 120 + 2 * 12, 60)  # earlier, new, and the difference, side by side
        assert drawn.getpixel((2 * (120 + 12) + 50, 20)) == (220, 20, 60)  # a differing pixel, red
    assert not (tmp_path / "diff" / "same.png").exists()
