"""Numbers typed into admin addresses and forms, read without trusting them."""


def whole_number(text: str | None) -> int | None:
    """A whole number typed in ASCII digits that fits the database's integers, or None."""
    if text and text.isascii() and text.isdecimal() and len(text) <= 9:
        return int(text)
    return None
