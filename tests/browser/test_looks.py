"""The designed look in a real browser: dark mode keeps AA contrast (axe), and on a phone every
form control and checkbox is a 44 px target with its label beside it."""

import pytest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
SAMPLE = [
    "/fr/",
    "/en/search/?q=food&place=Repentigny",
    "/fr/secteurs/food-banks/",
    "/fr/services/depannage-alimentaire/",
]
BACKGROUND_LUMINANCE = """(() => {
  const [r, g, b] = getComputedStyle(document.body).backgroundColor.match(/\\d+/g).map(Number);
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
})()"""


@pytest.mark.parametrize("scheme", ["dark", "light"])
def test_pages_have_no_contrast_violation_in_either_colour_scheme(directory, new_page, axe, scheme):
    page = new_page(color_scheme=scheme, **PHONE)
    for path in SAMPLE:
        assert page.goto(path).status == 200
        luminance = page.evaluate(BACKGROUND_LUMINANCE)
        assert luminance < 0.2 if scheme == "dark" else luminance > 0.9, path
        page.locator("details.more-filters").evaluate_all("els => els.forEach(e => e.open = true)")
        axe(page)


def test_on_a_phone_form_controls_are_44_pixel_targets_with_checkboxes_beside_their_labels(
    directory, new_page
):
    page = new_page(**PHONE)
    page.goto("/fr/recherche/?q=alimentaire&place=Repentigny")
    page.locator("details.more-filters summary").click()
    controls = page.locator(
        ".results-form input:visible:not([type=checkbox]):not([type=hidden]),"
        ".results-form select:visible, .results-form button:visible, .results-form summary,"
        ".site-header a, .helpline a, .chips a"
    )
    assert controls.count() >= 10
    for box in (controls.nth(i).bounding_box() for i in range(controls.count())):
        assert box["height"] >= 44, box
    labels = page.locator(".results-form .check label")
    assert labels.count() == 3  # open now, free, wheelchair
    for i in range(labels.count()):
        label = labels.nth(i)
        assert label.bounding_box()["height"] >= 44
        # The box and the first line of its words share a row, however narrow the screen.
        box, line = label.evaluate(
            """label => {
              const box = label.querySelector('input').getBoundingClientRect();
              const range = document.createRange();
              range.selectNodeContents(label);
              range.setStartAfter(label.querySelector('input'));
              const line = range.getClientRects()[0];
              return [{top: box.top, bottom: box.bottom, right: box.right, height: box.height},
                      {top: line.top, bottom: line.bottom, left: line.left}];
            }"""
        )
        assert box["height"] >= 20
        assert line["left"] > box["right"]
        middle = (line["top"] + line["bottom"]) / 2
        assert box["top"] <= middle <= box["bottom"]
