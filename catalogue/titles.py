"""What a service is called to the public: a rule that is plain text, no Django (tested in
tests/catalogue/test_titles.py).

Providers name their listings for themselves ("Home care in Shrewsbury"), so a results page of
eight listings all called that cannot be told apart. The public title leads with the provider
and ends with the place: "Holly Homecare: Home care in Shrewsbury". Nothing is said twice: no
provider prefix when the name already holds the provider's name (its legal ending such as
"Ltd" aside), and no "in <town>" when the title already names the town.
"""

import re

# Legal endings that do not tell the public anything ("Holly Homecare Ltd" is "Holly Homecare").
LEGAL_ENDINGS = re.compile(
    r"[\s,.]+(ltd|limited|plc|llp|cic|c\.i\.c|cio|lp|inc|uk)\.?$", flags=re.IGNORECASE
)


def _plain(text: str) -> str:
    """Lower case, single spaces, legal endings dropped: for comparing names."""
    text = " ".join(text.split())
    while True:
        shorter = LEGAL_ENDINGS.sub("", text)
        if shorter == text:
            return text.casefold()
        text = shorter


def _mentions(text: str, words: str) -> bool:
    """Whether `words` appear in `text` as whole words, ignoring case."""
    words = _plain(words)
    if not words:
        return False
    return re.search(rf"(?<!\w){re.escape(words)}(?!\w)", text.casefold()) is not None


def title_parts(provider: str, name: str, town: str = "") -> tuple[str, str, str]:
    """(before, name, after): the public title is their concatenation, so a page can mark
    the searched words in the name alone."""
    name = " ".join(name.split())
    provider = " ".join(provider.split())
    town = " ".join(town.split())
    before = after = ""
    if provider and not _mentions(name, provider):
        before = f"{provider}: " if name else provider
    if town and not _mentions(before + name, town):
        after = f" in {town}"
    return before, name, after


def public_title(provider: str, name: str, town: str = "") -> str:
    """ "Provider: Service name in Town", without repeats (see the module docstring)."""
    return "".join(title_parts(provider, name, town))
