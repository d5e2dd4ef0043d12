"""The family's copy in a real browser (headless Chromium), offline, at phone and laptop width.

Every clip must play (each <video> reaches "loadeddata"), the page must fit a
360-pixel-wide phone without sideways scrolling, with large text and tap targets,
and it must fetch nothing from anywhere: no URL, no script, no outside style.
Screenshots at 360x800 and 1280x800 go to artifacts/ (or $VIGTOOL_ARTIFACTS) for a
person to look at. Chromium comes from dev.sh; without it the test skips, except
in CI, where it fails.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import cv2
import pytest

from sample_clips.kinds import VideoTruth
from tests.core.family_copy_case import (
    CODE,
    FamilyCase,
    artifacts,
    build_family_case,
    write_big_film,
)
from vigtool.exports.naming import FAMILY_PAGE
from vigtool.exports.request import ExportRequest, run_export
from vigtool.workspace import Workspace

SIZES = ((360, 800), (1280, 800), (360, 6000))  # the last: the whole page on a phone
# Added to a copy of the page: asks every film to load, and once each has its first
# frame (or failed) writes what it saw into the page, for --dump-dom to print.
VIDEO_CHECK = """<pre id="family-check" style="white-space: pre-wrap"></pre>
<script>
var videos = Array.prototype.slice.call(document.querySelectorAll("video"));
function report() {
  document.getElementById("family-check").textContent = JSON.stringify(videos.map(
    function (v) {
      return {state: v.readyState, error: v.error ? v.error.code : 0, width: v.videoWidth,
              height: v.videoHeight, seconds: v.duration};
    }));
}
videos.forEach(function (v) {
  v.preload = "auto";
  v.addEventListener("loadeddata", report);
  v.addEventListener("error", report);
  v.load();
});
report();
</script>
"""
# The page at a phone's width: in a 360-pixel frame (a headless window is at least 500
# pixels wide), measured once it has loaded.
PHONE_CHECK = """<!DOCTYPE html>
<html><head><meta charset="utf-8"></head><body>
<iframe id="phone" src="index.html" style="width: 360px; height: 800px; border: 0"></iframe>
<pre id="family-check" style="white-space: pre-wrap"></pre>
<script>
var frame = document.getElementById("phone");
frame.addEventListener("load", function () {
  var doc = frame.contentDocument, win = frame.contentWindow;
  var all = function (selector, what) {
    return Array.prototype.slice.call(doc.querySelectorAll(selector)).map(what);
  };
  document.getElementById("family-check").textContent = JSON.stringify({
    page: doc.documentElement.scrollWidth,
    window: win.innerWidth,
    font: parseFloat(win.getComputedStyle(doc.body).fontSize),
    films: all("video", function (v) { return v.getBoundingClientRect().width; }),
    taps: all("a", function (a) { return a.getBoundingClientRect().height; }),
    images: all("img", function (i) {
      return {done: i.complete && i.naturalWidth > 0, shown: i.getBoundingClientRect().width};
    })
  });
});
</script>
</body></html>
"""


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if os.environ.get("CI", "").lower() not in ("", "0", "false"):
        pytest.fail("chromium is missing: CI must open the family's copy in a real browser "
                    "(dev.sh installs it with the system packages)")
    pytest.skip("chromium is not installed (apt-get install chromium, or ./dev.sh test)")


def run_chromium(args: list[str], profile: Path) -> subprocess.CompletedProcess[str]:
    command = [chromium(), "--headless=new", "--no-sandbox", "--disable-gpu",
               "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
               "--hide-scrollbars", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory, small_video: VideoTruth) -> Path:
    """Every cycle's copy: the smart-cut clips and the one scaled down from 2400x1350."""
    chromium()
    work = tmp_path_factory.mktemp("family-browser")
    case: FamilyCase = build_family_case(work / "ws", small_video.path,
                                         write_big_film(work / "big.mp4"))
    with Workspace.open(case.root) as ws:
        written = run_export(ws, ExportRequest("family", case.case_id, None, work / "stick"))
    assert written[-1].name == FAMILY_PAGE
    return written[-1].parent


class _Links(HTMLParser):
    """Every attribute value and every bit of style or script text in a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str, str]] = []
        self.code: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += [(tag, name, value or "") for name, value in attrs]
        self._in = tag if tag in ("style", "script") else None

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in:
            self.code.append(data)


def test_the_page_fetches_nothing_and_links_only_files_beside_it(folder: Path) -> None:
    page = (folder / FAMILY_PAGE).read_text(encoding="utf-8")
    parsed = _Links()
    parsed.feed(page)
    assert "script" not in parsed.tags
    assert "link" not in parsed.tags
    assert "iframe" not in parsed.tags
    assert "base" not in parsed.tags
    for tag, name, value in parsed.attributes:
        assert "http" not in value.lower(), (tag, name, value)
        assert "//" not in value, (tag, name, value)
    style = "".join(parsed.code)
    assert "http" not in style
    assert "//" not in style
    assert "url(" not in style
    assert "@import" not in style
    assert "@font-face" not in style
    links = {v for t, n, v in parsed.attributes if n in ("src", "href", "poster")}
    assert links == {p.name for p in folder.iterdir() if p.name != FAMILY_PAGE}
    assert {t for t, n, _ in parsed.attributes if n in ("src", "href", "poster")} == {
        "video", "a", "img"}


def check_in_browser(folder: Path, page: str, profile: Path) -> Any:
    """Open ``page`` (written beside index.html) in Chromium; what it wrote, as JSON."""
    check = folder / "check.html"
    check.write_text(page, encoding="utf-8")
    try:
        run = run_chromium(["--window-size=800,1000", "--virtual-time-budget=10000",
                            "--allow-file-access-from-files", "--dump-dom", check.as_uri()],
                           profile)
    finally:
        check.unlink()
    found = re.search(r'<pre id="family-check"[^>]*>(.+?)</pre>', run.stdout, re.DOTALL)
    assert found, f"the check page wrote nothing: {run.stdout[-2000:]}"
    return json.loads(html.unescape(found.group(1)))


def test_every_clip_plays_offline(folder: Path, tmp_path: Path) -> None:
    page = (folder / FAMILY_PAGE).read_text(encoding="utf-8")
    videos = check_in_browser(folder, page.replace("</body>", VIDEO_CHECK + "</body>"),
                              tmp_path / "profile")
    assert len(videos) == 3
    for video in videos:  # every one has its first frame (HAVE_CURRENT_DATA) or more
        assert video["error"] == 0, videos
        assert video["state"] >= 2, videos
        assert video["seconds"] > 0
    assert [(v["width"], v["height"]) for v in videos] == [(320, 240), (320, 240),
                                                          (1920, 1080)]


def test_the_page_fits_a_phone(folder: Path, tmp_path: Path) -> None:
    seen = check_in_browser(folder, PHONE_CHECK, tmp_path / "profile")
    assert seen["window"] == 360, seen
    assert seen["page"] <= 360, seen  # no sideways scrolling
    assert seen["font"] >= 16  # large enough to read on a phone without zooming
    assert len(seen["films"]) == 3, seen
    assert all(300 <= w <= 360 for w in seen["films"]), seen  # the width of the screen
    assert seen["taps"], seen
    assert min(seen["taps"]) >= 44, seen  # tap targets
    assert seen["images"]
    assert all(i["done"] and i["shown"] <= 360 for i in seen["images"])


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_screenshots_at_phone_and_laptop_width(folder: Path, tmp_path: Path, width: int,
                                               height: int) -> None:
    """artifacts/family-copy-<w>x<h>.png: look at them. The page should read like a letter
    to keep, the films the width of a phone, nothing cut off at the side."""
    shot = artifacts() / f"family-copy-{width}x{height}.png"
    shot.unlink(missing_ok=True)
    run = run_chromium([f"--window-size={width},{height}", f"--screenshot={shot}",
                        (folder / FAMILY_PAGE).as_uri()], tmp_path / "profile")
    assert shot.is_file(), run.stderr[-2000:]
    picture = cv2.imread(str(shot))
    assert picture.shape[:2] == (height, width)
    assert picture.std() > 10  # a page was drawn, not a blank window
    assert CODE  # named by the case code and size only: no family's name in artifacts
