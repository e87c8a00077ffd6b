"""The file index of an image's layers: from the file-index cache, else read from one streamed ``docker save``."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Iterator

from ..core.chain import short_id
from ..core.errors import first_line
from ..core.layerfiles import Cancelled, FilesError, LayerFiles, NoFileIndex, carried_files
from ..core.snapshot import Image, Snapshot
from ..files.archive import index_archive
from ..files.cache import FilesCache
from . import answers
from .answers import DaemonError, error_message, is_gone, request_line
from .transport import CHUNK, ReadAhead, transport_error

if TYPE_CHECKING:              # the SDK is imported only where an image is streamed from a daemon
    import docker

Progress = Callable[[int, int], None]   # (bytes of the archive read, the image's size as an estimate of them)
ERROR_LIMIT = 1 << 20                   # bytes read of an error answer (a daemon's is one short JSON line)

__all__ = ["Cancelled", "NoFileIndex", "Progress", "files_of", "read_layer_files", "save_stream", "with_files"]


def files_of(snap: Snapshot, client: docker.DockerClient | None, image: Image, cache: FilesCache, *,
             on_progress: Progress | None = None,
             cancelled: Callable[[], bool] | None = None) -> dict[str, LayerFiles]:
    """Diff ID → LayerFiles of ``image``'s layers: from the snapshot when it carries them, else from the daemon
    (through the cache); NoFileIndex offline (no client) when the snapshot lacks one of them."""
    carried = carried_files(image.diff_ids, snap.files_by_diff_id)
    if carried is not None:
        return carried
    if client is None:
        name = image.repo_tags[0] if image.repo_tags else image.short_id
        raise NoFileIndex(f"this snapshot carries no file index for {name} "
                          f"(save it with snapshot --save FILE --with-files)")
    return read_layer_files(client, image, cache, on_progress=on_progress, cancelled=cancelled)


def image_named(client: docker.DockerClient, ref: str) -> str | None:
    """The ID of the image ``ref`` names, as the engine itself resolves it (its inspect), or None when none;
    each engine's own rules (short IDs, digests, Podman's short names) decide."""
    from urllib.parse import quote

    from .sdk import sdk_get
    inspect = answers.read(sdk_get(client), f"/images/{quote(ref, safe='/:@')}/json", answers.INSPECT,
                           missing_ok=True)
    return None if inspect is None else inspect["Id"]


def with_files(snap: Snapshot, client: docker.DockerClient | None, cache: FilesCache,
               on_progress: Callable[[int, Image], Progress | None] | None = None) -> Snapshot:
    """``snap`` carrying the file index of every layer of its images, in bottom-first order of first appearance:
    each image read through the cache (a layer many images share is read once); layers the snapshot already
    carried stay.  ``on_progress(n, image)`` may give a progress callback for the n-th image read."""
    found: dict[str, LayerFiles] = dict(snap.files_by_diff_id)
    for n, image in enumerate(snap.images, 1):
        if all(d in found for d in image.diff_ids):
            continue
        found.update(files_of(snap, client, image, cache, on_progress=on_progress(n, image) if on_progress else None))
    order = dict.fromkeys(d for img in snap.images for d in img.diff_ids if d in found)
    order.update(dict.fromkeys(found))
    return snap.replace(layer_files=tuple(found[d] for d in order))


# Reading the files of an image: its layers are content-addressed (a diff ID names one
# layer tar, whatever image holds it), so each layer indexed once is served from the
# cache forever after.  Only when some layer is not there is the daemon asked, for the
# whole image (the Engine API exports images, not layers): one GET /images/{id}/get whose
# answer is read a chunk at a time and indexed as it arrives (never the whole archive in
# memory, no temporary copy), the layers already cached skipped inside the stream.  New
# layers are put in the cache only once the whole archive has been read: a cancelled or
# failed read leaves nothing half-cached.
def read_layer_files(client: docker.DockerClient, image: Image, cache: FilesCache, *,
                     on_progress: Progress | None = None,
                     cancelled: Callable[[], bool] | None = None) -> dict[str, LayerFiles]:
    """Diff ID → LayerFiles of every layer of ``image``, bottom first: the cached ones, the rest read from the
    daemon (and cached).  DaemonError (one line) when the daemon cannot give them; Cancelled when asked to stop."""
    wanted = list(dict.fromkeys(image.diff_ids))
    found: dict[str, LayerFiles] = {}
    for diff_id in wanted:
        hit = cache.get(diff_id)
        if hit is not None:
            found[diff_id] = hit
    if len(found) == len(wanted):
        return found
    request = request_line("GET", f"/images/{image.id}/get")
    progress = None if on_progress is None else (lambda done: on_progress(done, image.size))
    stream = ReadAhead(save_stream(client, image.id))     # the daemon sends while we index
    try:
        new = index_archive(stream, wanted, set(found), on_progress=progress, cancelled=cancelled)
    except FilesError as exc:
        raise DaemonError(f"the daemon's answer to {request} is not an image archive Layerscope can read: "
                          f"{first_line(exc)}") from None
    finally:
        stream.close()          # the connection goes at once, whether or not the archive was read to its end
    lost = [d for d in wanted if d not in found and d not in new]
    if lost:
        raise DaemonError(f"the daemon's answer to {request} lacks layer {lost[0]} of image {short_id(image.id)}")
    for diff_id in wanted:
        if diff_id not in found:
            cache.put(new[diff_id])
            found[diff_id] = new[diff_id]
    return {d: found[d] for d in wanted}


def save_stream(client: docker.DockerClient, image_id: str) -> Iterator[bytes]:
    """The ``docker save`` archive of one image, CHUNK bytes at a time, as the daemon sends it.

    Each read waits at most the client's timeout.  (The SDK's ``get_image`` switches the socket's
    timeout off for the whole stream, so a daemon that stops sending would hang it: the same GET is
    made here through the SDK's session, keeping the timeout.)  Every failure is a one-line DaemonError:
    the image is gone, another refusal, no connection, silence, or a connection lost mid-stream."""
    from .sdk import host_url
    api = client.api
    path = f"/images/{image_id}/get"
    request = request_line("GET", path)
    where, timeout = host_url(client), float(api.timeout)
    try:
        res = api._get(api._url("/images/{0}/get", image_id), stream=True)
    except Exception as exc:    # requests' and urllib3's errors, OSError
        raise transport_error(exc, where, request, timeout) from None
    try:
        if res.status_code != 200:
            raise _refusal(client, res, request, image_id)
        while True:
            try:
                chunk = res.raw.read(CHUNK)
            except Exception as exc:    # urllib3's ProtocolError (connection lost), ReadTimeoutError
                raise transport_error(exc, where, request, timeout) from None
            if not chunk:
                return
            yield chunk
    finally:
        res.close()


def _refusal(client: docker.DockerClient, res: Any, request: str, image_id: str) -> DaemonError:
    """The one line for an error answer to the save: the image is gone, or the daemon's own words.

    (dockerd 20.10 answers the save of a removed image by ID with a 500 "failed to get digest …: no such
    file or directory": whether the image is gone is asked of its inspect.)"""
    from .sdk import read_response
    status, body = read_response(res, request, ERROR_LIMIT)
    message = error_message(body)
    answered = f"{request} answered {status}" + (f": {message}" if message else "")
    if is_gone(status, body) or _gone(client, image_id):
        return DaemonError(f"image {short_id(image_id)} is not on the daemon (any more): {answered}")
    return DaemonError(f"the daemon refused the save: {answered}")


def _gone(client: docker.DockerClient, image_id: str) -> bool:
    """True when the daemon says it holds no image ``image_id`` (a failure to ask is not an answer)."""
    from .sdk import sdk_get
    try:
        return answers.read(sdk_get(client), f"/images/{image_id}/json", answers.INSPECT, missing_ok=True) is None
    except DaemonError:
        return False
