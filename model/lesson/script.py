"""The seed tutorial (build-docker-image-tutorial.ko.md) as a script: its commands in order, the words to say
in Korean and English, and what to look at.  Data only: the answers are predicted in ``model.lesson.play``.

Explanations may hold ``{fields}`` that play fills from the snapshot (sizes, counts), never typed-in results.
"""
from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

COMMIT, TUTORIAL = "commit", "tutorial"     # the scenes: the tutorial's three images before its rmi; the whole one
LANGUAGES = ("en", "ko")

# what to highlight on the maps for the images a step looks at
NONE, TOP, ALL, SHARED = "none", "top", "all", "shared"


@dataclass(frozen=True)
class ScriptStep:
    """One step as the tutorial has it: where it plays, the command typed, the words, what to look at."""

    key: str
    scene: str                         # COMMIT | TUTORIAL
    command: str                       # as the tutorial types it
    title: Mapping[str, str]           # language → a few words
    text: Mapping[str, str]            # language → the explanation ({fields} filled by play)
    look_at: tuple[str, ...] = ()      # image references to highlight
    select: str = ""                   # the reference whose row is selected
    layers: str = NONE                 # which of their layers to highlight
    rmi: str = ""                      # the reference `docker rmi` takes (rmi steps only)


def _t(en: str, ko: str) -> Mapping[str, str]:
    return MappingProxyType({"en": en, "ko": ko})


STEPS: tuple[ScriptStep, ...] = (
    ScriptStep(
        "commit-apache", COMMIT,
        'docker commit -a "voyagerwoo" -m "install apache2" ubuntu_apache ubuntu_apache:latest',
        _t("Commit the container with apache2", "apache2를 설치한 컨테이너를 커밋"),
        _t("The container's changes (apache2, {top}) become one new layer on top of ubuntu:18.04's layers: "
           "ubuntu_apache:latest is that layer plus everything under it.",
           "컨테이너에서 바뀐 내용(apache2, {top})이 ubuntu:18.04의 레이어 위에 새 레이어 하나로 쌓입니다. "
           "ubuntu_apache:latest는 그 레이어와 그 아래 전부입니다."),
        look_at=("ubuntu_apache:latest",), select="ubuntu_apache:latest", layers=TOP),
    ScriptStep(
        "commit-webpage", COMMIT,
        'docker commit -a "voyagerwoo" -m "add iscream-edu webpage" iscreamedu_apache iscreamedu_apache:latest',
        _t("Commit the container with eng.html", "eng.html을 추가한 컨테이너를 커밋"),
        _t("Adding eng.html makes a layer of only {top}: iscreamedu_apache:latest stands on ubuntu_apache's "
           "layers and shares all of them.",
           "eng.html을 추가하면 {top}짜리 레이어 하나만 생깁니다. iscreamedu_apache:latest는 ubuntu_apache의 "
           "레이어 위에 서 있고 그 레이어를 모두 공유합니다."),
        look_at=("iscreamedu_apache:latest",), select="iscreamedu_apache:latest", layers=TOP),
    ScriptStep(
        "images", COMMIT, "docker images",
        _t("SIZE adds up to more than the disk holds", "SIZE의 합과 실제 디스크 사용량"),
        _t("docker images lists {count} images whose SIZE adds up to {naive}, yet the disk holds {actual}: "
           "every layer is stored once, however many images use it.",
           "docker images는 이미지 {count}개를 보여 주고 SIZE를 더하면 {naive}이지만, 디스크에는 {actual}만 "
           "있습니다. 레이어는 몇 개의 이미지가 쓰든 한 번만 저장됩니다."),
        look_at=("ubuntu:18.04", "ubuntu_apache:latest", "iscreamedu_apache:latest"), layers=SHARED),
    ScriptStep(
        "history", COMMIT, "docker history iscreamedu_apache",
        _t("History: the layers under an image", "history: 이미지 아래의 레이어"),
        _t("iscreamedu_apache has {layers} layers; the lower ones are ubuntu:18.04's and ubuntu_apache's. Rows "
           "made on another machine show <missing>: only the top row of a pulled image has a local image ID.",
           "iscreamedu_apache는 레이어 {layers}개로 되어 있고 아래쪽은 ubuntu:18.04와 ubuntu_apache의 "
           "레이어입니다. 다른 곳에서 만들어진 행은 <missing>으로 보입니다. 내려받은 이미지는 맨 위 행만 로컬 "
           "이미지 ID가 있습니다."),
        look_at=("iscreamedu_apache:latest",), select="iscreamedu_apache:latest", layers=ALL),
    ScriptStep(
        "rmi-ubuntu", COMMIT, "docker rmi ubuntu:18.04",
        _t("Remove ubuntu:18.04?", "ubuntu:18.04를 지우면?"),
        _t("ubuntu_apache is built on ubuntu:18.04's image, so nothing can be deleted: the name goes, the layers "
           "stay.",
           "ubuntu_apache가 ubuntu:18.04 이미지를 기반으로 만들어졌기 때문에 아무것도 지워지지 않습니다. 이름만 "
           "빠지고(Untag) 레이어는 남습니다."),
        look_at=("ubuntu:18.04",), select="ubuntu:18.04", layers=ALL, rmi="ubuntu:18.04"),
    ScriptStep(
        "rmi-webpage", COMMIT, "docker rmi iscreamedu_apache",
        _t("Remove iscreamedu_apache", "iscreamedu_apache 지우기"),
        _t("The top image has no children and no container: its tag goes, then the image and its one layer. "
           "ubuntu_apache is untouched.",
           "맨 위 이미지는 자식도 컨테이너도 없습니다. 태그가 빠지고 이미지와 그 레이어 하나가 지워집니다. "
           "ubuntu_apache는 그대로입니다."),
        look_at=("iscreamedu_apache:latest",), select="iscreamedu_apache:latest", layers=TOP,
        rmi="iscreamedu_apache"),
    ScriptStep(
        "rmi-apache", COMMIT, "docker rmi ubuntu_apache",
        _t("Remove ubuntu_apache", "ubuntu_apache 지우기"),
        _t("Nothing is built on ubuntu_apache any more and the untagged ubuntu image under it has no other "
           "child: the daemon deletes both images and every layer.",
           "이제 ubuntu_apache를 기반으로 한 이미지가 없고, 그 아래 이름 없는 ubuntu 이미지도 다른 자식이 "
           "없습니다. 데몬은 두 이미지와 모든 레이어를 지웁니다."),
        look_at=("ubuntu_apache:latest",), select="ubuntu_apache:latest", layers=ALL, rmi="ubuntu_apache"),
    ScriptStep(
        "build-apache", TUTORIAL, "docker build -t apache-ubuntu:1 .",
        _t("The same image from a Dockerfile", "Dockerfile로 같은 이미지 만들기"),
        _t("FROM ubuntu:18.04 reuses its layers; each RUN, WORKDIR and ADD adds a layer, and a rebuild takes "
           "unchanged steps from the cache (Using cache). apache-ubuntu:1 has {layers} layers, {shared} of them "
           "shared.",
           "FROM ubuntu:18.04는 그 레이어를 그대로 씁니다. RUN, WORKDIR, ADD마다 레이어가 생기고, 다시 빌드하면 "
           "바뀌지 않은 단계는 캐시에서 가져옵니다(Using cache). apache-ubuntu:1은 레이어 {layers}개, 그중 "
           "{shared}개를 공유합니다."),
        look_at=("apache-ubuntu:1", "ubuntu:18.04"), select="apache-ubuntu:1", layers=SHARED),
    ScriptStep(
        "build-express", TUTORIAL, "docker build -t simple-express:alpine .",
        _t("Dockerize the Express app", "Express 앱 도커라이즈"),
        _t("Without a .dockerignore the context holds node_modules (1.918 MB sent to the daemon) and COPY . . "
           "copies it again: simple-express:alpine is {size}, on node:lts-alpine ({base}).",
           ".dockerignore가 없으면 컨텍스트에 node_modules가 들어가고(데몬에 1.918MB 전송) COPY . .가 그것을 "
           "다시 복사합니다. simple-express:alpine은 {size}이고 node:lts-alpine({base}) 위에 있습니다."),
        look_at=("simple-express:alpine", "node:lts-alpine"), select="simple-express:alpine", layers=TOP),
    ScriptStep(
        "build-dockerignore", TUTORIAL, "docker build -t simple-express .",
        _t("The build context and .dockerignore", "빌드 컨텍스트와 .dockerignore"),
        _t("With node_modules, npm-debug.log and package-lock.json in .dockerignore the context drops to 5.12 kB; "
           "both builds share node:lts-alpine's layers. simple-express:latest is {size}.",
           "node_modules, npm-debug.log, package-lock.json을 .dockerignore에 넣으면 컨텍스트가 5.12kB로 "
           "줄어듭니다. 두 빌드는 node:lts-alpine의 레이어를 공유합니다. simple-express:latest는 {size}입니다."),
        look_at=("simple-express:latest", "simple-express:alpine"), select="simple-express:latest",
        layers=SHARED),
    ScriptStep(
        "tag", TUTORIAL, "docker tag simple-express:alpine voyagerwoo/simple-express:alpine",
        _t("A new name before docker push", "docker push 전에 새 이름 붙이기"),
        _t("docker tag adds a name to the same image ID ({short}): no new layer, no new bytes. The name is the "
           "repository docker push sends it to.",
           "docker tag는 같은 이미지 ID({short})에 이름을 하나 더 붙입니다. 새 레이어도 새 바이트도 없습니다. "
           "그 이름이 docker push가 보낼 저장소입니다."),
        look_at=("simple-express:alpine",), select="simple-express:alpine", layers=NONE),
)
