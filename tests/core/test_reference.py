"""Reference parsing, normalisation, familiar printing and resolution, as the daemon does them."""
from __future__ import annotations

import docker
import pytest

import builders
from model.core import reference as R
from model.engine import simulate
from model.daemon.source import read_snapshot

HEX = "0123456789abcdef" * 4


@pytest.mark.parametrize("text, full, fam", [
    ("ubuntu", "docker.io/library/ubuntu:latest", "ubuntu:latest"),
    ("ubuntu:18.04", "docker.io/library/ubuntu:18.04", "ubuntu:18.04"),
    ("user/name", "docker.io/user/name:latest", "user/name:latest"),
    ("docker.io/library/x:1", "docker.io/library/x:1", "x:1"),
    ("index.docker.io/foo", "docker.io/library/foo:latest", "foo:latest"),
    ("localhost/x", "localhost/x:latest", "localhost/x:latest"),
    ("host:5000/a/b:t", "host:5000/a/b:t", "host:5000/a/b:t"),
    ("quay.io/team/app:v1", "quay.io/team/app:v1", "quay.io/team/app:v1"),
    (f"repo@sha256:{HEX}", f"docker.io/library/repo@sha256:{HEX}", f"repo@sha256:{HEX}"),
    (f"repo:t@sha256:{HEX}", f"docker.io/library/repo:t@sha256:{HEX}", f"repo:t@sha256:{HEX}"),
])
def test_normalize_and_familiar(text, full, fam):
    assert R.normalize(text) == full
    assert R.familiar(full) == fam
    assert R.parse_normalized_named(text).tag_name_only().familiar() == fam


@pytest.mark.parametrize("text, message", [
    ("Ubuntu", R.ERR_UPPERCASE),
    ("a:b:c", R.ERR_INVALID_FORMAT),
    ("", R.ERR_INVALID_FORMAT),
    ("x@sha256:abc", R.ERR_INVALID_FORMAT),
    (f"x@sha256:{HEX[:-1]}Z", R.ERR_INVALID_FORMAT),
    ("a" * 256, R.ERR_NAME_TOO_LONG),
    ("x:" + "t" * 129, R.ERR_INVALID_FORMAT),
])
def test_invalid_references(text, message):
    with pytest.raises(R.InvalidReference) as exc:
        R.parse_any(text)
    assert str(exc.value) == message


def test_parse_any_ids():
    assert R.parse_any(HEX).digest == "sha256:" + HEX and not R.parse_any(HEX).is_named
    assert R.parse_any("sha256:" + HEX).digest == "sha256:" + HEX
    assert R.parse_any("sha256:abc").is_named          # too short for a digest: it is the name "sha256"
    assert str(R.parse_any("sha256:abc")) == "docker.io/library/sha256:abc"
    with pytest.raises(R.InvalidReference, match="cannot specify 64-byte hexadecimal strings"):
        R.parse_normalized_named(HEX)


def test_digest_set_prefix_search():
    ids = ["sha256:" + "ab" + "0" * 62, "sha256:" + "ac" + "0" * 62, "sha256:" + "b" * 64]
    ds = R.DigestSet(ids)
    assert ds.lookup("b") == ids[2]
    assert ds.lookup("ab") == ids[0]
    assert ds.lookup("sha256:ac") == ids[1]
    assert ds.lookup("sha512:ac") is None
    assert ds.lookup("c") is None
    with pytest.raises(R.Ambiguous):
        ds.lookup("a")
    ds.remove(ids[1])
    assert ds.lookup("a") == ids[0]


def test_image_id_prefix():
    image_id = "sha256:" + HEX
    assert R.is_image_id_prefix(image_id, "0123")
    assert R.is_image_id_prefix(image_id, "sha256:0123")
    assert R.is_image_id_prefix(image_id, "sha256")
    assert not R.is_image_id_prefix(image_id, "ubuntu")


# The resolution rules (GetImage) and messages, checked on the real daemon: each odd
# reference is predicted, then sent; prediction and answer must be identical.
ODD_REFS = ["nosuch", "nosuch:1", "Upper", "a:b:c", "sha256:zz", "sha256", "0" * 64, "sha256:" + "0" * 64,
            f"x@sha256:{'0' * 64}", f"x:1@sha256:{'0' * 64}", "Foo/bar", "index.docker.io/nosuch", "x@sha256:12",
            "-x", "x:-1", "localhost:5000/UP:1"]


def test_odd_references_on_daemon(daemon):
    client = daemon.client()
    builders.import_image(client, "one:1")
    builders.commit(client, "one:1", "echo a > /tmp/a", "two:1")
    builders.commit(client, "one:1", "echo b > /tmp/b", None)
    builders.commit(client, "two:1", "echo c > /tmp/c", None)
    for n in range(14):           # 18 IDs: some 1-digit prefix is certainly ambiguous
        builders.build(client, f"FROM one:1\nLABEL n={n}\n")
    snap = read_snapshot(client)
    ids = [i.id[7:] for i in snap.images]
    # short prefixes of every length: unique ones, ambiguous ones (1 hex digit is ambiguous once
    # two IDs share it), with and without "sha256:"
    shorts = sorted({i[:n] for i in ids for n in (1, 2, 3)}) + ["sha256:" + ids[0][:5], "SHA256:" + ids[0][:5]]
    ambiguous = [s for s in shorts if sum(i.startswith(s) for i in ids) > 1]
    assert ambiguous
    refs = ODD_REFS + ambiguous + shorts + [" ", "one", "one:1", "docker.io/library/two:1"]
    answered = []
    for ref in refs:
        [outcome], _ = simulate.rmi(read_snapshot(client), [ref], noprune=True)
        try:
            actual = {"ref": ref, "response": client.api.remove_image(ref, noprune=True)}
        except docker.errors.APIError as exc:
            actual = {"ref": ref, "error": {"status": exc.response.status_code, "message": exc.explanation}}
        assert outcome.matches(actual), (outcome.to_json(), actual)
        answered.append(actual)
    assert any("response" in a for a in answered) and any("error" in a for a in answered)
