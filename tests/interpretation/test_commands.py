"""Only a whole message that is a request counts as a command; answers containing request words are answers."""

from __future__ import annotations

import pytest

from bot.content import load_content
from bot.interpretation.commands import detect_command

CONTENT = load_content()
EVERY_PHRASE = [(phrase, command) for command, phrases in CONTENT.commands.items() for phrase in phrases]


@pytest.mark.parametrize(("phrase", "command"), EVERY_PHRASE, ids=[f"{c}:{p}" for p, c in EVERY_PHRASE])
def test_every_content_phrase_is_its_command(phrase: str, command: str) -> None:
    assert detect_command(phrase, CONTENT) == command


@pytest.mark.parametrize(
    ("text", "command"),
    [
        # case and punctuation
        ("HELP", "help"),
        ("Help!", "help"),
        ("help?", "help"),
        ("  help  ", "help"),
        ("?", "help"),
        ("What does this mean??", "help"),
        ("I don\u2019t understand", "help"),
        ("huh?", "help"),
        ("SKIP", "skip"),
        ("Skip.", "skip"),
        ("skip this one!", "skip"),
        ("Pass", "skip"),
        ("Next question...", "skip"),
        ("I\u2019d rather not say", "skip"),
        ("Back", "back"),
        ("go back!", "back"),
        ("GO BACK", "back"),
        ("Oops", "back"),
        ("undo.", "back"),
        ("Repeat", "repeat"),
        ("pardon?", "repeat"),
        ("Sorry, what?", "repeat"),
        ("Say that again?", "repeat"),
        ("PAUSE", "pause"),
        ("brb", "pause"),
        ("Gotta go!", "pause"),
        ("Talk later.", "pause"),
        ("Start over", "restart"),
        ("START OVER", "restart"),
        ("restart!", "restart"),
        ("Start again.", "restart"),
        ("Stop", "stop"),
        ("STOP", "stop"),
        ("Quit.", "stop"),
        ("That\u2019s enough", "stop"),
        ("exit", "stop"),
        ("Hi", "greet"),
        ("hello!", "greet"),
        ("Good morning", "greet"),
        ("I\u2019m back", "greet"),
        ("/start", "greet"),
        # polite words around the request
        ("please help", "help"),
        ("Help me please", "help"),
        ("can you explain please?", "help"),
        ("please skip", "skip"),
        ("Can we skip this one please?", "skip"),
        ("just skip it", "skip"),
        ("ok skip", "skip"),
        ("Can we go back?", "back"),
        ("I want to go back", "back"),
        ("let's go back", "back"),
        ("um, go back", "back"),
        ("Could you repeat the question, please?", "repeat"),
        ("can you say that again", "repeat"),
        ("Can we pause please?", "pause"),
        ("I'd like to take a break", "pause"),
        ("can we continue later?", "pause"),
        ("pause now", "pause"),
        ("Okay, talk later, thanks", "pause"),
        ("Can we start over?", "restart"),
        ("I want to start over please", "restart"),
        ("Let's start again", "restart"),
        ("I want to stop", "stop"),
        ("please stop", "stop"),
        ("stop now please", "stop"),
        ("I would like to stop", "stop"),
        ("hello please", "greet"),
        ("Please continue", "greet"),
        ("let's go", "greet"),
    ],
)
def test_requests_in_other_words(text: str, command: str) -> None:
    assert detect_command(text, CONTENT) == command


@pytest.mark.parametrize("text", ["Ok, let's go", "let's go please"])
def test_polite_words_around_a_phrase_that_starts_with_a_filler(text: str) -> None:
    assert detect_command(text, CONTENT) == "greet"


@pytest.mark.parametrize(
    "text",
    [
        "I need to stop working nights",
        "help with childcare",
        "back to work soon",
        "skip breakfast to get there on time",
        "break times matter",
        "I'd like to stop commuting",
        "I\u2019d like to stop commuting",
        "I want to stop working weekends",
        "Please help with childcare",
        "help me find day shifts",
        "I can help train new people",
        "my back hurts if I stand all day",
        "I want to go back to school part time",
        "back office work",
        "I never skip a shift",
        "a break every two hours",
        "I need a break from retail",
        "start early, finish early",
        "stop-and-go hours don't work for me",
        "no more night shifts",
        "pause between jobs was hard",
        "repeat customers make it fun",
        "exit interviews showed they felt rushed",
        "I want to quit smoking breaks",
        "later shifts are better for me",
        "next to a bus route",
        "hi-vis and steel toes provided",
        "hello fresh style meal kits",
    ],
)
def test_answers_with_request_words_are_answers(text: str) -> None:
    assert detect_command(text, CONTENT) is None


@pytest.mark.parametrize(
    "text", ["", "   ", "\x00", "!!!", "??", "\U0001f600", "3 4", "yes", "no", "Looking for work", "brilliant"]
)
def test_other_short_messages_are_not_commands(text: str) -> None:
    assert detect_command(text, CONTENT) is None


@pytest.mark.parametrize("text", ["Hi there", "Hello again", "hey there!"])
def test_common_greetings_are_greetings(text: str) -> None:
    assert detect_command(text, CONTENT) == "greet"
