"""The help page as data: its language, the pictures of screens it shows and its bold labels."""

from __future__ import annotations

import pytest

from loginspec import helppage

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
