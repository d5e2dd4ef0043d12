"""Parent-facing words: suggestions from the codebook and the deficit-word guard."""

from __future__ import annotations

from itertools import combinations

import pytest

from vigtool.codebook import Code, Codebook, CodeGroup, builtin_codebook, builtin_codebooks
from vigtool.wording import DEFICIT_WORDS, VIG_PROMPTS, deficit_words, suggest_strengths


def _book(*wordings: str) -> Codebook:
    return Codebook(
        id="custom",
        name="Custom",
        version=1,
        description="",
        groups=(CodeGroup("g", "Group"),),
        codes=tuple(
            Code(f"c{n}", f"Code {n}", "g", "#123456", "for the practitioner", wording)
            for n, wording in enumerate(wordings, start=1)
        ),
    )


def test_no_codes_suggests_nothing() -> None:
    assert suggest_strengths(builtin_codebook("vig-principles"), []) == ""


def test_one_code_suggests_its_parent_wording() -> None:
    book = builtin_codebook("vig-principles")
    attentive = book.code("being-attentive")
    assert suggest_strengths(book, ["being-attentive"]) == attentive.parent_wording


def test_codes_are_joined_in_codebook_order_into_one_paragraph() -> None:
    book = builtin_codebook("vig-principles")
    first, third = book.code("being-attentive"), book.code("receiving-initiatives")
    text = suggest_strengths(book, ["receiving-initiatives", "being-attentive"])
    assert text == f"{first.parent_wording} {third.parent_wording}"
    assert "\n" not in text
    assert "  " not in text


def test_unknown_and_repeated_codes_are_ignored() -> None:
    book = builtin_codebook("vig-principles")
    once = suggest_strengths(book, ["guiding"])
    assert suggest_strengths(book, ["guiding", "guiding", "not-in-this-book"]) == once


def test_sentences_repeated_across_codes_appear_once_and_each_ends_a_sentence() -> None:
    book = _book("You waited for her", "You waited for her. She smiled back!")
    assert suggest_strengths(book, ["c1", "c2"]) == "You waited for her. She smiled back!"


def test_a_deficit_sentence_in_a_hand_written_codebook_is_dropped() -> None:
    book = _book("You noticed his smile. Earlier you missed his cue.", "It was not a problem.")
    text = suggest_strengths(book, ["c1", "c2"])
    assert text == "You noticed his smile."


@pytest.mark.parametrize("book", builtin_codebooks(), ids=lambda b: b.id)
def test_no_builtin_suggestion_ever_contains_a_deficit_word(book: Codebook) -> None:
    ids = [code.id for code in book.codes]
    for size in range(1, len(ids) + 1):
        for chosen in combinations(ids, size):
            text = suggest_strengths(book, chosen)
            assert text
            assert deficit_words(text) == ()
            for word in DEFICIT_WORDS:
                assert word not in text.lower()


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("She FAILED to settle", ("failed",)),
        ("a poorly timed reply", ("poorly",)),
        ("You didn’t look; you didn't wait", ("didn't",)),
        ("You did  not wait", ("did not",)),
        ("you should have waited, you shouldn't have", ("should have", "shouldn't have")),
        ("no problems, no concerns", ("problems", "concerns")),
        ("Missing the cue was bad", ("missing", "bad")),
        ("What went wrong?", ("wrong",)),
    ],
)
def test_deficit_words_are_found_case_insensitively(text: str, found: tuple[str, ...]) -> None:
    assert deficit_words(text) == found


@pytest.mark.parametrize(
    "text", ["Her badge shone", "a poorer light", "He missiles", "You waited and she smiled"]
)
def test_deficit_words_match_whole_words_only(text: str) -> None:
    assert deficit_words(text) == ()


def test_prompts_are_open_strengths_based_questions() -> None:
    assert len(VIG_PROMPTS) >= 4
    assert "What do you notice here?" in VIG_PROMPTS
    for prompt in VIG_PROMPTS:
        assert prompt.endswith("?")
        assert prompt.split()[0] in {"What", "How"}
        assert deficit_words(prompt) == ()
