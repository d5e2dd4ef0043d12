"""Stills for a summary: the practitioner's chosen freeze frames, as JPEG (no Qt).

A moment shows the stills saved inside it; a moment without one shows its
middle frame, so every moment has a picture while its recording is here.
Pictures are capped at ``MAX_WIDTH`` pixels wide: large enough to fill an A4
page, small enough that the summary stays an easy file to send.
"""

from __future__ import annotations

import base64
import contextlib
from dataclasses import dataclass
from types import TracebackType

import cv2
import numpy as np
import numpy.typing as npt

from vigtool.domain.records import Moment, RecordingStatus, Still
from vigtool.errors import VigtoolError
from vigtool.media.reader import FrameReader
from vigtool.workspace import View

MAX_WIDTH = 1200
JPEG_QUALITY = 85


@dataclass(frozen=True)
class Picture:
    """One still as JPEG bytes, with the practitioner's caption."""

    jpeg: bytes
    width: int
    height: int
    frame: int
    caption: str

    @property
    def data_uri(self) -> str:
        return "data:image/jpeg;base64," + base64.b64encode(self.jpeg).decode("ascii")


def encode_jpeg(rgb: npt.NDArray[np.uint8], caption: str = "", frame: int = 0) -> Picture:
    """Scale ``rgb`` (H x W x 3) down to ``MAX_WIDTH`` if wider, and encode it as JPEG."""
    height, width = rgb.shape[:2]
    if width > MAX_WIDTH:
        height = round(height * MAX_WIDTH / width)
        width = MAX_WIDTH
        rgb = np.asarray(
            cv2.resize(rgb, (width, height), interpolation=cv2.INTER_AREA), dtype=np.uint8
        )
    ok, encoded = cv2.imencode(
        ".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY]
    )
    if not ok:
        raise VigtoolError("a still could not be encoded as JPEG")
    return Picture(encoded.tobytes(), width, height, frame, caption)


class PictureTaker:
    """Reads moments' pictures, opening each recording's reader once; close() when done.

    A missing recording gives no pictures rather than an error: a summary of
    an earlier cycle is still worth having without them. A purged one gives
    the stills a purge kept with the family's consent (``keep-clips``).
    """

    def __init__(self, ws: View) -> None:
        self._ws = ws
        self._readers: dict[int, FrameReader | None] = {}
        self._exit = contextlib.ExitStack()

    def pictures(self, moment: Moment) -> tuple[Picture, ...]:
        reader = self._reader(moment.recording_id)
        stills = [
            s for s in self._ws.annotations.stills(moment.recording_id)
            if moment.start_frame <= s.frame <= moment.end_frame
        ]
        if reader is None:
            return self._kept(moment, stills)
        if not stills:
            middle = (moment.start_frame + moment.end_frame) // 2
            return (encode_jpeg(reader.frame(middle), frame=middle),)
        return tuple(encode_jpeg(reader.frame(s.frame), s.caption, s.frame) for s in stills)

    def _kept(self, moment: Moment, stills: list[Still]) -> tuple[Picture, ...]:
        """A purged recording's stills, from the pictures kept with the family's consent."""
        recording = self._ws.library.recording(moment.recording_id)
        if recording.status is not RecordingStatus.PURGED:
            return ()
        found = []
        for still in stills:
            path = self._ws.library.kept_still(recording, moment.id, still.id)
            bgr = cv2.imread(str(path), cv2.IMREAD_COLOR) if path.is_file() else None
            if bgr is not None:
                rgb = np.asarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), dtype=np.uint8)
                found.append(encode_jpeg(rgb, still.caption, still.frame))
        return tuple(found)

    def _reader(self, recording_id: int) -> FrameReader | None:
        if recording_id not in self._readers:
            recording = self._ws.library.recording(recording_id)
            reader = None
            if recording.status is RecordingStatus.PRESENT:
                reader = self._exit.enter_context(
                    self._ws.library.open_reader(recording_id, prefetch=False)
                )
            self._readers[recording_id] = reader
        return self._readers[recording_id]

    def close(self) -> None:
        self._exit.close()

    def __enter__(self) -> PictureTaker:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
