"""GSM-7 alphabet, septet and segment counting at the boundaries, and conversion of any text to GSM-7."""

from __future__ import annotations

import pytest

from bot.content import gsm7


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", 1),
        ("a", 1),
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("a" * 459, 3),
        ("a" * 460, 4),
        ("\u20ac" * 80, 1),  # euro sign: an extension character, two septets each = 160
        ("\u20ac" * 80 + "a", 2),
        ("{" * 153, 2),  # 306 septets
        ("{" * 153 + "a", 3),
        ("a" * 159 + "^", 2),  # 161 septets in 160 characters
        ("\U0001f600" * 35, 1),  # emoji: UCS-2, two code units each = 70
        ("\U0001f600" * 35 + "a", 2),
        ("a" * 70 + "\u2019", 2),  # one curly quote turns the whole message into UCS-2 (71 > 70)
        ("\u00e7" * 70, 1),  # lower-case c cedilla is not GSM-7: UCS-2
        ("\u00e7" * 134, 2),
        ("\u00e7" * 135, 3),
    ],
)
def test_segments(text: str, expected: int) -> None:
    assert gsm7.segments(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", 0), ("abc", 3), ("[]", 4), ("\u20ac5", 3), ("a^b{c}d\\e~f|g", 19), ("\n\r", 2), ("\f", 2)],
)
def test_septets_count_extension_characters_twice(text: str, expected: int) -> None:
    assert gsm7.septets(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Hello, World! 1-5?",
        "@\u00a3$\u00a5\u00e8\u00e9\u00f9\u00ec\u00f2\u00c7\u00d8\u00f8\u00c5\u00e5",
        "\u00c4\u00d6\u00d1\u00dc\u00a7\u00bf\u00e4\u00f6\u00f1\u00fc\u00e0\u00a1",
        "\u0394\u03a6\u0393\u039b\u03a9\u03a0\u03a8\u03a3\u0398\u039e",
        "^{}\\[~]|\u20ac",
        "line\nbreak",
        "&<>'\"#%*+/=_",
    ],
)
def test_gsm7_characters_are_accepted(text: str) -> None:
    assert gsm7.is_gsm7(text)


@pytest.mark.parametrize(
    "text",
    ["\u2019", "\u201c", "\u2014", "\u2026", "\U0001f600", "\u00e7", "\u00e2", "\u4f60\u597d", "\t", "\u00a0", "`"],
)
def test_non_gsm7_characters_are_refused(text: str) -> None:
    assert not gsm7.is_gsm7(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It\u2019s \u2018fine\u2019", "It's 'fine'"),
        ("\u201cquoted\u201d \u201eandere\u201d \u00abfr\u00bb", '"quoted" "andere" "fr"'),
        ("9\u20135 \u2014 shifts \u2212 2", "9-5 - shifts - 2"),
        ("wait\u2026", "wait..."),
        ("no\u00a0break\u2009thin\u202fnarrow", "no break thin narrow"),
        ("zero\u200bwidth", "zerowidth"),
        ("tab\there", "tab here"),
        ("\u2022 one \u00b7 two", "- one - two"),
        ("`back` \u00b4tick\u00b4", "'back' 'tick'"),
        ("Great job \U0001f4aa\U0001f600!", "Great job !"),
        ("fa\u00e7ade, cr\u00e8me br\u00fbl\u00e9e, na\u00efve", "facade, cr\u00e8me brul\u00e9e, naive"),
        ("Se\u00f1or M\u00fcller \u00c5se", "Se\u00f1or M\u00fcller \u00c5se"),
        ("\uff21\uff22\uff23 \ufb01ne", "ABC fine"),  # full-width letters and the fi ligature decompose
        ("\u4f60\u597d", ""),
        ("price: 5\u20ac [approx]", "price: 5\u20ac [approx]"),
    ],
)
def test_to_gsm7(text: str, expected: str) -> None:
    converted = gsm7.to_gsm7(text)
    assert converted == expected
    assert gsm7.is_gsm7(converted)


def test_to_gsm7_leaves_gsm7_text_unchanged() -> None:
    text = "Forklift, Excel & customer service; I can help train people (20$/h) @ 9:00 \u00a3 \u00e9"
    assert gsm7.to_gsm7(text) == text


def test_max_body_is_twilios_limit() -> None:
    assert gsm7.MAX_BODY == 1600


@pytest.mark.parametrize(
    ("text", "expected", "encoding"),
    [
        ("l'honnêteté, ça compte", "l'honnêteté, ça compte", "UCS-2"),  # ê and ç kept: the message goes UCS-2
        ("cœur à l'ouvrage", "cœur à l'ouvrage", "UCS-2"),  # œ has no decomposition and is still a letter
        ("Été, élève, où, Ça", "Été, élève, où, Ça", "GSM-7"),  # GSM-7 has these
        ("“Quoted” – fine…", '"Quoted" - fine...', "GSM-7"),  # look-alikes still replaced
        ("ﬁne ＡＢ", "fine AB", "GSM-7"),  # compatibility forms become their plain letters
        ("Great \U0001f44d team", "Great  team", "GSM-7"),  # emoji are not letters: dropped
        ("Zoë Nguyễn 李", "Zoë Nguyễn 李", "UCS-2"),  # names in any script are never changed
    ],
)
def test_sms_text_keeps_every_letter(text: str, expected: str, encoding: str) -> None:
    assert gsm7.to_sms(text) == expected
    assert gsm7.encoding(expected) == encoding
