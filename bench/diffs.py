"""Time the story diffs on hostile and on ordinary text, against unbounded difflib.

    python bench/diffs.py [--rounds 5]

For each input, the median of several rounds of `word_diff` and `paragraph_diff`, and of
what they used to run: one `SequenceMatcher(autojunk=False)` over every word of both texts,
measured only up to a size it finishes in (it grows faster than n squared on repeated words).
The machine is shared: compare figures of one run, not across runs.

Measured on the shared 2-core development machine on 2026-12-01 (other work running), medians
of 5 rounds: the 32 KB "x " * 16000 body with one word added, 16 ms (word_diff) and 22 ms
(paragraph_diff); "0 " * 6000 with one correction 7 / 6 ms, changed at both ends 3 / 8 ms.
Unbounded difflib took 406 ms on 1,000 repeated words and 1,347 ms on 2,000 (3.3x for twice
the words), where word_diff took 0.6 and 1.0 ms; an ordinary 30-paragraph story with two
changes 1.4 / 0.8 ms against 132 ms.
"""

import argparse
import difflib
import os
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django

django.setup()

from articles.diffs import paragraph_diff, word_diff  # noqa: E402

WORDS = re.compile(r"\S+\s*|\s+")


def repeated(word: str, count: int) -> tuple[str, str]:
    """`count` copies of a word, then the same with one other word in the middle."""
    half = count // 2
    return word * count, word * half + "flood " + word * (count - half)


def both_ends(word: str, count: int) -> tuple[str, str]:
    """Changed at the start and at the end, so no common start or end helps."""
    return "a " + word * count, word * count + "b"


def prose(paragraphs: int) -> tuple[str, str]:
    sentence = "Officials said the river rose {n} metres overnight and the dam held. "
    before = [sentence.format(n=n) * 6 for n in range(paragraphs)]
    after = list(before)
    after[paragraphs // 3] = after[paragraphs // 3].replace("rose", "climbed", 2)
    after[-1] += "Rain is forecast."
    return "\n\n".join(before), "\n\n".join(after)


CASES = {
    '"x " * 16000, one word added (32 KB)': repeated("x ", 16000),
    '"0 " * 6000, one correction': repeated("0 ", 6000),
    '"0 " * 6000, changed at both ends': both_ends("0 ", 6000),
    '"x " * 2000, one word added': repeated("x ", 2000),
    '"x " * 1000, one word added': repeated("x ", 1000),
    "ordinary story, 30 paragraphs, two changed": prose(30),
}
UNBOUNDED_UP_TO_WORDS = 4000


def median_ms(function, before, after, rounds) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        function(before, after)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def unbounded(before, after):
    difflib.SequenceMatcher(
        None, WORDS.findall(before), WORDS.findall(after), autojunk=False
    ).get_opcodes()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    print(f"{'input':<46} {'word_diff':>10} {'paragraph':>10} {'unbounded':>10}  (ms, median)")
    for name, (before, after) in CASES.items():
        words = len(WORDS.findall(before))
        old = (
            f"{median_ms(unbounded, before, after, rounds):10.1f}"
            if words <= UNBOUNDED_UP_TO_WORDS
            else f"{'not run':>10}"
        )
        print(
            f"{name:<46} {median_ms(word_diff, before, after, rounds):10.1f}"
            f" {median_ms(paragraph_diff, before, after, rounds):10.1f} {old}"
        )


if __name__ == "__main__":
    main()
