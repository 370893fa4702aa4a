"""A candidate deletes their own session from the web app, after a confirmation page and with the CSRF token;
it is then gone from the list, its pages, exports, audio and the disk. A coach cannot; anyone else gets 404."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from mockinterviewer.store.deletion import session_tables
from tests.web.conftest import Site, csrf_of, logged_in
from tests.web.spoken_session import SPOKEN_ID, add_spoken_session

PAGE = f"/sessions/{SPOKEN_ID}"


@pytest.fixture
def spoken(site: Site) -> Path:
    """ada's spoken session, graded, with an override and a comment by carol."""
    path = add_spoken_session(site.store, grades=site.store.load_grades("aaaa1111"))
    carol = logged_in(site, "carol")
    carol.post(f"{PAGE}/overrides", data={"csrf": csrf_of(carol, PAGE), "question_id": "q1", "criterion_id": "depth",
                                          "score": "3", "reason": "Measured first."})
    carol.post(f"{PAGE}/comments", data={"csrf": csrf_of(carol, PAGE), "turn_index": "1", "text": "Good start."})
    return path


def _rows(site: Site, session_id: str) -> int:
    with site.store.engine.connect() as connection:
        return sum(connection.execute(select(func.count()).select_from(table).where(column == session_id)).scalar()
                   or 0 for table, column in session_tables())


def _confirm(client: TestClient, session_id: str = SPOKEN_ID) -> dict[str, str]:
    page = client.get(f"/sessions/{session_id}/delete")
    assert page.status_code == 200
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token and 'name="confirm" value="delete"' in page.text
    return {"csrf": token.group(1), "confirm": "delete"}


def test_the_candidate_deletes_their_session_after_confirming(site: Site, spoken: Path) -> None:
    client = logged_in(site, "ada")
    assert f'href="{PAGE}/delete"' in client.get(PAGE).text
    page = " ".join(client.get(f"{PAGE}/delete").text.split())
    assert "1 coach override, 1 comment and 1 audio file" in page
    assert _rows(site, SPOKEN_ID) > 0 and spoken.exists()

    response = client.post(f"{PAGE}/delete", data=_confirm(client), follow_redirects=False)

    assert response.status_code == 303 and response.headers["location"] == "/sessions"
    listing = client.get("/sessions").text
    assert f"Session {SPOKEN_ID} deleted, with its 1 audio file." in listing
    assert f"/sessions/{SPOKEN_ID}" not in listing and "/sessions/aaaa1111" in listing
    for path in (PAGE, f"{PAGE}/export/md", f"{PAGE}/export/json", f"{PAGE}/export/html",
                 f"{PAGE}/audio/turn-0001.wav", f"{PAGE}/delete"):
        assert client.get(path).status_code == 404, path
    assert logged_in(site, "carol").get(PAGE).status_code == 404
    assert _rows(site, SPOKEN_ID) == 0  # turns, grades, the override, the comment, the session
    assert not os.path.lexists(spoken.parent)
    assert _rows(site, "aaaa1111") > 0  # the candidate's other session stays


def test_without_the_csrf_token_nothing_is_deleted(site: Site, spoken: Path) -> None:
    client = logged_in(site, "ada")
    for form in ({"confirm": "delete"}, {"csrf": "forged", "confirm": "delete"}):
        assert client.post(f"{PAGE}/delete", data=form).status_code == 403
    assert _rows(site, SPOKEN_ID) > 0 and spoken.exists()


def test_without_the_confirmation_it_asks_again(site: Site, spoken: Path) -> None:
    client = logged_in(site, "ada")
    form = _confirm(client)
    del form["confirm"]
    response = client.post(f"{PAGE}/delete", data=form, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == f"{PAGE}/delete"
    assert _rows(site, SPOKEN_ID) > 0 and spoken.exists()


def test_the_coach_cannot_delete(site: Site, spoken: Path) -> None:
    carol = logged_in(site, "carol")
    assert "/delete" not in carol.get(PAGE).text
    assert carol.get(f"{PAGE}/delete").status_code == 403
    response = carol.post(f"{PAGE}/delete", data={"csrf": csrf_of(carol, PAGE), "confirm": "delete"})
    assert response.status_code == 403
    assert _rows(site, SPOKEN_ID) > 0 and spoken.exists()


def test_another_candidate_gets_404(site: Site, spoken: Path) -> None:
    bob = logged_in(site, "bob")
    assert bob.get(f"{PAGE}/delete").status_code == 404
    response = bob.post(f"{PAGE}/delete", data={"csrf": csrf_of(bob, "/sessions"), "confirm": "delete"})
    assert response.status_code == 404
    assert _rows(site, SPOKEN_ID) > 0 and spoken.exists()


def test_a_prefix_never_deletes(site: Site, spoken: Path) -> None:
    client = logged_in(site, "ada")
    form = _confirm(client)
    assert client.post(f"/sessions/{SPOKEN_ID[:4]}/delete", data=form).status_code == 404
    assert _rows(site, SPOKEN_ID) > 0
    redirect = client.get(f"/sessions/{SPOKEN_ID[:4]}/delete", follow_redirects=False)
    assert redirect.status_code == 303 and redirect.headers["location"] == f"{PAGE}/delete"


def test_a_running_session_is_not_deleted(site: Site, spoken: Path) -> None:
    client = logged_in(site, "ada")
    form = _confirm(client)
    hold = site.store.hold_session(SPOKEN_ID)  # as a terminal interview running it would
    assert hold is not None
    try:
        response = client.post(f"{PAGE}/delete", data=form)
    finally:
        hold.release()
    assert response.status_code == 200 and "Not deleted: Session" in response.text and "running" in response.text
    assert _rows(site, SPOKEN_ID) > 0 and spoken.exists()


def test_recordings_uploaded_but_never_sent_go_with_the_session(site: Site, spoken: Path) -> None:
    """A recording transcribed on the interview page waits in the data directory for its Send; deleting the
    session deletes it too, and nobody else's."""
    voice = site.client.app.state.browser_voice
    voice.folder.mkdir(parents=True, exist_ok=True)
    for token, session_id in (("a" * 32, SPOKEN_ID), ("b" * 32, "aaaa1111")):
        (voice.folder / f"{token}.json").write_text(json.dumps({"session_id": session_id, "candidate": "ada",
                                                                "transcript": "I measured p99 first."}))
        (voice.folder / f"{token}.audio").write_bytes(b"OggS recording")
    client = logged_in(site, "ada")
    assert client.post(f"{PAGE}/delete", data=_confirm(client), follow_redirects=False).status_code == 303
    assert sorted(p.name for p in voice.folder.iterdir()) == ["b" * 32 + ".audio", "b" * 32 + ".json"]



def test_the_session_and_delete_pages_name_the_loop_by_its_title(site: Site, spoken: Path) -> None:
    client = logged_in(site, "ada")
    for path in (PAGE, f"{PAGE}/delete"):
        page = " ".join(client.get(path).text.split())
        assert re.search(r"[Ll]oop Netflix", page), path
        assert not re.search(r"[Ll]oop netflix-senior-swe", page), path
