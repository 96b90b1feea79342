"""Readable text on any brand colour: WCAG 2 contrast ratios, black or white text by the higher one, links
darkened until they reach 4.5:1 on white."""

import pytest

from prm.colours import BLACK, WHITE, contrast_ratio, readable_on_white, relative_luminance, text_colour_on


def test_the_contrast_ratio_follows_wcag():
    assert relative_luminance(BLACK) == 0
    assert relative_luminance(WHITE) == pytest.approx(1)
    assert contrast_ratio(BLACK, WHITE) == pytest.approx(21)
    assert contrast_ratio(WHITE, BLACK) == pytest.approx(21)
    assert contrast_ratio("#777777", WHITE) == pytest.approx(4.48, abs=0.01)  # WebAIM's reference figure
    assert contrast_ratio("#1f4e79", "#1f4e79") == 1


@pytest.mark.parametrize(
    ("brand", "text"),
    [("#1f4e79", WHITE), ("#aa0000", WHITE), ("#ffff00", BLACK), ("#f0a500", BLACK), ("#ffffff", BLACK)],
)
def test_the_text_on_a_brand_colour_is_the_more_readable_of_black_and_white(brand, text):
    assert text_colour_on(brand) == text


@pytest.mark.parametrize("brand", ["#000000", "#777777", "#767676", "#7f7f7f", "#00ff00", "#ffffff", "#ffff00"])
def test_any_colour_carries_text_of_at_least_4_5_to_1(brand):
    assert contrast_ratio(brand, text_colour_on(brand)) >= 4.5


@pytest.mark.parametrize("brand", ["#ffff00", "#ffffff", "#87ceeb", "#00ff00", "#f0a500"])
def test_a_light_colour_is_darkened_for_links_on_white(brand):
    link = readable_on_white(brand)
    assert link != brand
    assert contrast_ratio(link, WHITE) >= 4.5


def test_a_colour_readable_on_white_is_kept_for_links():
    assert readable_on_white("#1f4e79") == "#1f4e79"
