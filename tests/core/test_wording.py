"""Parent-facing words: suggestions true to the clip, and the deficit-word guard.

Suggestions are built from real records: a case with the child's name and
pronoun, a real recording, a moment and the turns marked inside it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

import pytest

from sample_clips.kinds import VideoTruth
from vigtool.codebook import Code, Codebook, CodeGroup, builtin_codebook, builtin_codebooks
from vigtool.domain.records import Turn
from vigtool.wording import (
    DEFICIT_WORDS,
    MAX_SENTENCES,
    VIG_PROMPTS,
    Child,
    deficit_words,
    suggest_strengths,
)
from vigtool.workspace import Workspace

VIG = builtin_codebook("vig-principles")
# Behaviours a code alone never proves: a suggestion names them only from a turn's note.
SPECIFIC = re.compile(r"echo|smil|touch|sound|nod|laugh|eye contact|reach", re.IGNORECASE)


@dataclass
class Clip:
    ws: Workspace
    recording_id: int
    child: Child

    def turns(self, *marks: tuple[int, str, str, str]) -> list[Turn]:
        """Mark turns (frame, actor, kind, note) and return them as stored."""
        for frame, actor, kind, note in marks:
            self.ws.add_turn(self.recording_id, frame=frame, actor=actor, kind=kind, note=note)
        return self.ws.annotations.turns(self.recording_id)

    def suggest(self, codes: Sequence[str], turns: Sequence[Turn] = (),
                book: Codebook = VIG) -> str:
        times = self.ws.library.frame_times(self.recording_id)
        return suggest_strengths(book, codes, turns, child=self.child, times=times)


def _clip(ws: Workspace, video: VideoTruth, name: str, pronoun: str) -> Clip:
    case = ws.add_case("FAM-01", child_name=name, pronoun=pronoun)
    ws.add_consent(case.id, kind="filming", given=True)
    recording = ws.import_recording(case.id, path=video.path)
    return Clip(ws, recording.id, Child.of(ws.caseload.case(case.id)))


@pytest.fixture
def maya(workspace: Workspace, small_video: VideoTruth) -> Clip:
    return _clip(workspace, small_video, "Maya", "she")


@pytest.fixture
def unnamed(workspace: Workspace, small_video: VideoTruth) -> Clip:
    return _clip(workspace, small_video, "", "")


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


def test_no_codes_and_no_turns_suggest_nothing(maya: Clip) -> None:
    assert maya.suggest([]) == ""


def test_a_code_alone_says_what_it_claims_of_the_named_child(maya: Clip) -> None:
    assert maya.suggest(["receiving-initiatives"]) == (
        "Maya showed you something, and you let her know you had noticed."
    )


def test_without_a_name_or_pronoun_it_speaks_of_your_baby(unnamed: Clip) -> None:
    assert unnamed.suggest(["receiving-initiatives", "guiding"]) == (
        "Your baby showed you something, and you let them know you had noticed. "
        "You gave your baby just enough help and built on what they were already doing."
    )


def test_codes_follow_codebook_order_in_one_paragraph(maya: Clip) -> None:
    text = maya.suggest(["guiding", "being-attentive"])
    assert text == ("You gave Maya your attention and watched with interest. "
                    "You gave Maya just enough help and built on what she was already doing.")
    assert "\n" not in text
    assert "  " not in text


def test_a_childs_cue_answered_by_you_is_told_with_the_turn_notes(maya: Clip) -> None:
    turns = maya.turns((10, "child", "initiative", "reached for the ball"),
                       (16, "adult", "response", "Mum named it."))
    assert maya.suggest(["receiving-initiatives"], turns) == (
        "Maya reached for the ball, and you named it."
    )


def test_turns_without_notes_say_only_that_you_answered(maya: Clip) -> None:
    turns = maya.turns((10, "child", "initiative", ""), (14, "adult", "reception", ""),
                       (20, "child", "response", ""))
    assert maya.suggest([], turns) == (
        "Maya showed you something, and you let her know you had noticed. "
        "Then she answered you back."
    )


def test_an_unanswered_cue_is_never_told_as_answered(maya: Clip) -> None:
    turns = maya.turns((10, "child", "initiative", "reached for the ball"))
    assert maya.suggest([], turns) == ""
    assert "answered" not in maya.suggest(["being-attentive"], turns)


def test_a_long_back_and_forth_is_told_once(maya: Clip) -> None:
    turns = maya.turns((5, "child", "initiative", ""), (10, "adult", "response", ""),
                       (15, "child", "response", ""), (20, "adult", "response", ""))
    text = maya.suggest(["developing-attuned-interactions"], turns)
    assert "back and forth" in text
    assert "took turns" not in text  # the code's own sentence would say it twice


def test_an_exchange_you_began_is_told_as_yours(maya: Clip) -> None:
    turns = maya.turns((10, "adult", "initiative", "held up the ball"),
                       (16, "child", "response", ""))
    assert maya.suggest([], turns) == "You held up the ball, and Maya joined in."


def test_a_note_in_the_third_person_is_not_put_after_you(maya: Clip) -> None:
    turns = maya.turns((10, "child", "initiative", ""), (16, "adult", "response", "names it"))
    assert maya.suggest([], turns) == "Maya showed you something, and you answered her."


def test_a_note_with_a_deficit_word_is_never_used(maya: Clip) -> None:
    turns = maya.turns((10, "child", "initiative", "cried, missed the ball"),
                       (16, "adult", "response", "picked her up"))
    text = maya.suggest([], turns)
    assert text == "Maya showed you something, and you picked her up."
    assert deficit_words(text) == ()


@pytest.mark.parametrize("pronoun", ["he", "they"])
def test_pronouns_agree(workspace: Workspace, small_video: VideoTruth, pronoun: str) -> None:
    clip = _clip(workspace, small_video, "Sam", pronoun)
    text = clip.suggest(["guiding"])
    expected = {"he": "what he was already", "they": "what they were already"}[pronoun]
    assert expected in text


def test_a_suggestion_is_at_most_a_few_sentences(maya: Clip) -> None:
    turns = maya.turns((5, "child", "initiative", ""), (10, "adult", "response", ""),
                       (15, "child", "response", ""), (20, "adult", "response", ""))
    text = maya.suggest([code.id for code in VIG.codes], turns)
    assert len(re.findall(r"[.!?](?:\s|$)", text)) == MAX_SENTENCES


@pytest.mark.parametrize("book", builtin_codebooks(), ids=lambda b: b.id)
def test_no_builtin_code_claims_a_behaviour_it_does_not_prove(book: Codebook) -> None:
    ids = [code.id for code in book.codes]
    for size in range(1, len(ids) + 1):
        for chosen in combinations(ids, size):
            for child in (Child(), Child("Maya", "she")):
                text = suggest_strengths(book, chosen, child=child)
                assert text
                assert deficit_words(text) == ()
                assert not SPECIFIC.search(text), text
                for word in DEFICIT_WORDS:
                    assert word not in text.lower()


def test_a_services_own_codebook_keeps_its_voice_with_the_childs_name() -> None:
    book = _book("You waited for your baby", "Your baby's smile lit up. You waited for your baby.")
    text = suggest_strengths(book, ["c1", "c2"], child=Child("Ada", "she"))
    assert text == "You waited for Ada. Ada's smile lit up."


def test_a_deficit_sentence_in_a_hand_written_codebook_is_dropped() -> None:
    book = _book("You noticed his smile. Earlier you missed his cue.", "It was not a problem.")
    assert suggest_strengths(book, ["c1", "c2"]) == "You noticed his smile."


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
