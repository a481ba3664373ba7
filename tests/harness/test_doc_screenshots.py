"""The help page's pictures and labels (--doc-screenshots, --compare-with, --help-page): what the help page
shows and names, comparing two sets of pictures, reading labels off a screen, and a picture that changes with
its label (a real page in a real browser). The end-to-end run of the plugin is test_doc_screenshots_run.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import Page, sync_playwright

from loginspec import docshots, helppage, picturediff
from loginspec.browsers import find_chromium, launch_arguments

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


SNAPSHOT = r"""- heading "Log in" [level=1]
- paragraph: "Hello \"Ann\": welcome"
- text: User ID
- textbox "User ID": ann@example.com
- button "Log In"
- link "Forgot your password?":
  - /url: /password/forgot
- status: "Password strength: Strong"
"""


def test_what_a_screen_says_and_the_match_rule() -> None:
    texts = docshots.screen_texts(SNAPSHOT)
    assert ("heading", "Log in") in texts and ("link", "Forgot your password?") in texts
    assert ("paragraph", 'Hello "Ann": welcome') in texts and ("status", "Password strength: Strong") in texts
    assert ("textbox", "User ID") in texts
    assert docshots.label_matches("Forgot your password?", texts) == ("link", [])
    # Only the heading says "Log in": found, as a heading; the button's other case is not the label.
    assert docshots.label_matches("Log in", texts) == ("heading", [])
    assert docshots.label_matches("Log in", [("button", "Log In")]) == (None, ["Log In"])
    assert docshots.label_matches("Log in", [("heading", "Log in"), ("button", "Log in")]) == ("button", [])
    assert docshots.label_matches("Log", texts) == (None, [])  # the whole name, not a part of it


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


HELP_PAGE = """---
language: en
---
# Saving
Select **Save**. **Note:** nothing else.

![Save -screenshot][img1]

[img1]: media/form.png
"""


class OnePage:
    """A PictureSource: one page, which shows form.png whenever it shows a form."""

    def __init__(self, page: Page) -> None:
        self.page = page

    def help_pictures(self, language: str, wanted: frozenset[str]) -> list[docshots.Picture]:
        shown = lambda page: page.locator("form").count() > 0  # noqa: E731
        if "form.png" not in wanted or not shown(self.page):
            return []
        return [docshots.Picture("form.png", lambda: self.page, shown, {"Zelda Quux": "Ann Example"})]

    def help_screens(self, language: str) -> list[Page]:
        return [self.page]


def test_a_changed_label_shows_in_the_comparison_and_the_drift(tmp_path: Path) -> None:
    page = helppage.parse(HELP_PAGE)
    page.labels[1].not_a_screen_label = "emphasis"
    first, second = tmp_path / "first", tmp_path / "second"
    form = "<title>Form</title><form><p>Hello Zelda Quux, on 5 March 2031 at 14:05 UTC</p><button>{}</button></form>"
    with sync_playwright() as playwright:
        executable = find_chromium(None, playwright.chromium.executable_path)
        browser = playwright.chromium.launch(executable_path=executable, args=launch_arguments(None))
        shown = browser.new_page(viewport={"width": 400, "height": 200})
        for folder, label in ((first, "Save"), (second, "Store")):
            shown.set_content(form.format(label))
            docshots.clear(folder, page)
            recorder = docshots.Recorder(folder, page)
            recorder.after_step(OnePage(shown))
            recorder.after_step(OnePage(shown))  # taken already: not again
            # The stand-ins were put back once the picture was taken.
            assert shown.locator("p").inner_text() == "Hello Zelda Quux, on 5 March 2031 at 14:05 UTC"
        browser.close()
    before = docshots.summarise(first, page, None)
    assert before.labels[0].status == docshots.FOUND and before.labels[0].role == "button"
    assert before.labels[0].screen.endswith("| Form")
    outcome = docshots.summarise(second, page, first)
    assert [picture.name for picture in outcome.changed] == ["form.png"]
    assert Path(outcome.changed[0].diff).is_file()
    assert [label.label for label in outcome.drifted] == ["Save"]
    assert outcome.labels[1].status == docshots.NOT_A_SCREEN_LABEL and outcome.labels[1].reason == "emphasis"
    comparison = json.loads((second / docshots.COMPARISON_FILE).read_text(encoding="utf-8"))
    assert comparison["changed"] == ["form.png"] and comparison["missing"] == [] and comparison["new"] == []
    drift = json.loads((second / docshots.DRIFT_FILE).read_text(encoding="utf-8"))
    assert drift["not_found"] == ["Save"] and "exactly" in drift["match_rule"]
    # The stand-ins (a person's name, a date) make both runs' pictures say the same but for the label.
    with Image.open(first / "form.png") as one, Image.open(second / "form.png") as other:
        assert one.size == other.size


def test_a_picture_nobody_showed_is_reported_not_taken(tmp_path: Path) -> None:
    page = helppage.parse(HELP_PAGE)
    docshots.clear(tmp_path, page)
    docshots.Recorder(tmp_path, page)
    outcome = docshots.summarise(tmp_path, page, None)
    assert [(picture.name, picture.taken) for picture in outcome.pictures] == [("form.png", False)]
    # Bold emphasis not listed as "not a screen label" (with its reason) counts as a label, and drifts.
    assert [label.label for label in outcome.drifted] == ["Save", "Note:"]


def test_stand_ins_replace_what_the_run_made_up_and_are_put_back() -> None:
    made_up = {
        "Will Quux": "Ann Example",
        "Will": "Ann",
        "will.quux.1a2b@acme-3c4d.test": "ann.example@example.com",
        "acme-3c4d.test": "example.com",
    }
    text = "Will Quux (will.quux.1a2b@ACME-3c4d.TEST) will get it at acme-3c4d.test by 05 March 2031 at 14:05 UTC."
    with sync_playwright() as playwright:
        executable = find_chromium(None, playwright.chromium.executable_path)
        browser = playwright.chromium.launch(executable_path=executable, args=launch_arguments(None))
        page = browser.new_page()
        page.set_content(f'<p>{text}</p><input value="Will.Quux.1a2b@acme-3c4d.test"><input type="password" value="x">')
        with docshots.standing_in(page, made_up):
            shown = page.locator("p").inner_text()
            value = page.locator("input").first.input_value()
        assert page.locator("p").inner_text() == text
        assert page.locator("input").first.input_value() == "Will.Quux.1a2b@acme-3c4d.test"
        browser.close()
    # An address in any case; a name only as written ("will" stays a word); dates and times fixed.
    assert shown == "Ann Example (ann.example@example.com) will get it at example.com by 3 February 2023 at 12:00 UTC."
    assert value == "ann.example@example.com"


def test_a_label_not_found_names_where_the_ui_contract_expects_it(tmp_path: Path) -> None:
    page = helppage.parse("---\nlanguage: en\n---\nClick **Reset Password**.\n")
    docshots.clear(tmp_path, page)
    docshots.Recorder(tmp_path, page)
    (label,) = docshots.summarise(tmp_path, page, None).labels
    assert label.status == docshots.NOT_FOUND and label.contract == ["forgot_password.reset_password"]
