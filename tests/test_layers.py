"""The tree shows the architecture: the domain imports nothing of ours, the engines import the domain
and not each other's insides (issue 15, point 2). Read from the source with ast, so it cannot drift."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "voicecoach"


def imports_of(folder: str) -> dict[str, set[str]]:
    """Every voicecoach module each file of a folder (or a single module) imports."""
    paths = [PACKAGE / folder] if folder.endswith(".py") else sorted((PACKAGE / folder).glob("*.py"))
    found = {}
    for path in paths:
        names = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
            elif isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
        found[path.name] = {n for n in names if n == "voicecoach" or n.startswith("voicecoach.")}
    return found


def offending(folder: str, allowed: tuple[str, ...] = (), banned: tuple[str, ...] = ()) -> dict[str, set[str]]:
    bad = {}
    for name, modules in imports_of(folder).items():
        wrong = {m for m in modules if (allowed and not m.startswith(allowed)) or (banned and m.startswith(banned))}
        if wrong:
            bad[name] = wrong
    return bad


def test_the_domain_imports_nothing_else_of_ours():
    assert offending("domain", allowed=("voicecoach.domain",)) == {}


def test_the_triage_imports_neither_the_dialogue_nor_the_coach():
    assert offending("triage", banned=("voicecoach.dialogue", "voicecoach.coach")) == {}


def test_the_history_does_not_import_the_session_runner():
    assert offending("history", banned=("voicecoach.session",)) == {}


def test_the_engines_take_answers_and_questions_from_the_domain():
    for folder in ("triage", "coach", "history"):
        assert offending(folder, banned=("voicecoach.dialogue.understanding", "voicecoach.dialogue.question")) == {}


def test_the_coach_reaches_the_person_only_through_its_prompting_port():
    assert offending("coach", banned=("voicecoach.dialogue", "voicecoach.session", "voicecoach.history")) == {}
