<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ko_KR">
<context>
    <name></name>
    <message>
        <source>not unpacked</source>
        <translation>압축 해제 안 됨</translation>
    </message>
    <message>
        <source>{platform} · not unpacked</source>
        <translation>{platform} · 압축 해제 안 됨</translation>
    </message>
    <message>
        <source>Refused: {why}</source>
        <translation>거부됨: {why}</translation>
    </message>
    <message>
        <source>Nothing was sent to the daemon.</source>
        <translation>데몬에는 아무것도 보내지 않았습니다.</translation>
    </message>
    <message>
        <source>Error response from daemon:</source>
        <translation>데몬의 오류 응답:</translation>
    </message>
    <message>
        <source>The action did not finish:</source>
        <translation>작업이 끝나지 않았습니다:</translation>
    </message>
    <message>
        <source>Reloading the daemon&apos;s real state.</source>
        <translation>데몬의 실제 상태를 다시 읽습니다.</translation>
    </message>
    <message>
        <source>The daemon&apos;s answer DIFFERS from the prediction.</source>
        <translation>데몬의 응답이 예측과 다릅니다.</translation>
    </message>
    <message>
        <source>The daemon&apos;s answer matches the prediction exactly.</source>
        <translation>데몬의 응답이 예측과 정확히 일치합니다.</translation>
    </message>
    <message>
        <source>(no CREATED BY)</source>
        <translation>(만든 명령 없음)</translation>
    </message>
    <message>
        <source>  ▶ running</source>
        <translation>  ▶ 실행 중</translation>
    </message>
    <message>
        <source>  ● in use</source>
        <translation>  ● 사용 중</translation>
    </message>
    <message>
        <source>⋯ {n} layers</source>
        <translation>⋯ 레이어 {n}개</translation>
    </message>
    <message>
        <source>{size} · hover to see them</source>
        <translation>{size} · 마우스를 올리면 보입니다</translation>
    </message>
    <message>
        <source>layer {id}</source>
        <translation>레이어 {id}</translation>
    </message>
    <message>
        <source> · shared by {n} images</source>
        <translation> · 이미지 {n}개가 공유</translation>
    </message>
    <message>
        <source>none</source>
        <translation>없음</translation>
    </message>
    <message>
        <source>&lt;b&gt;{tags}&lt;/b&gt;&lt;br&gt;IMAGE ID {id} · {status}&lt;br&gt;SIZE {size} · SHARED {shared} · UNIQUE {unique}&lt;br&gt;{n} layers · containers: {ctrs}</source>
        <translation>&lt;b&gt;{tags}&lt;/b&gt;&lt;br&gt;이미지 ID {id} · {status}&lt;br&gt;크기 {size} · 공유 {shared} · 고유 {unique}&lt;br&gt;레이어 {n}개 · 컨테이너: {ctrs}</translation>
    </message>
    <message>
        <source>&lt;b&gt;{tags}&lt;/b&gt;&lt;br&gt;IMAGE ID {id} · {status}&lt;br&gt;DISK USAGE {size} · CONTENT SIZE {content}&lt;br&gt;SHARED {shared} · UNIQUE {unique} · {n} layers · containers: {ctrs}</source>
        <translation>&lt;b&gt;{tags}&lt;/b&gt;&lt;br&gt;이미지 ID {id} · {status}&lt;br&gt;디스크 사용량 {size} · 콘텐츠 크기 {content}&lt;br&gt;공유 {shared} · 고유 {unique} · 레이어 {n}개 · 컨테이너: {ctrs}</translation>
    </message>
    <message>
        <source>{n} manifests:</source>
        <translation>매니페스트 {n}개:</translation>
    </message>
    <message>
        <source>… {n} more</source>
        <translation>… 외 {n}개</translation>
    </message>
    <message>
        <source>layer</source>
        <translation>레이어</translation>
    </message>
    <message>
        <source>{n} layers</source>
        <translation>레이어 {n}개</translation>
    </message>
    <message>
        <source>held by {n} image(s):</source>
        <translation>이 레이어를 가진 이미지 {n}개:</translation>
    </message>
    <message>
        <source>(chain ID)</source>
        <translation>(체인 ID)</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>알 수 없음</translation>
    </message>
    <message>
        <source>cannot be predicted exactly — refused: {why}</source>
        <translation>정확히 예측할 수 없어 거부했습니다: {why}</translation>
    </message>
    <message>
        <source>would fail: {error}</source>
        <translation>실패할 것입니다: {error}</translation>
    </message>
    <message>
        <source>only untags {n} tag(s): nothing is deleted, 0B freed</source>
        <translation>태그 {n}개만 해제합니다: 아무것도 삭제되지 않고 확보되는 공간은 0B입니다</translation>
    </message>
    <message>
        <source>untags {u}, deletes {i} image(s) and {l} layer(s), frees {bytes}</source>
        <translation>태그 {u}개 해제, 이미지 {i}개와 레이어 {l}개 삭제, {bytes} 확보</translation>
    </message>
    <message>
        <source>Blocking container(s):</source>
        <translation>막고 있는 컨테이너:</translation>
    </message>
    <message>
        <source>{n} tag(s) untagged</source>
        <translation>태그 {n}개 해제</translation>
    </message>
    <message>
        <source>{i} image(s), {l} layer(s) deleted</source>
        <translation>이미지 {i}개, 레이어 {l}개 삭제</translation>
    </message>
    <message>
        <source>First removes the stopped container(s):</source>
        <translation>먼저 정지된 컨테이너를 삭제합니다:</translation>
    </message>
    <message>
        <source>Remove stopped container: {name} ({id})</source>
        <translation>정지된 컨테이너 삭제: {name} ({id})</translation>
    </message>
    <message>
        <source>Cannot be predicted exactly</source>
        <translation>정확히 예측할 수 없음</translation>
    </message>
    <message>
        <source>Error response from daemon</source>
        <translation>데몬의 오류 응답</translation>
    </message>
    <message>
        <source>running — never removed by Layerscope</source>
        <translation>실행 중 — Layerscope는 절대 삭제하지 않습니다</translation>
    </message>
    <message>
        <source>blocking container {name} ({id}, {state})</source>
        <translation>막고 있는 컨테이너 {name} ({id}, {state})</translation>
    </message>
    <message>
        <source>Untagged: {ref}</source>
        <translation>Untagged: {ref}</translation>
    </message>
    <message>
        <source>Deleted: {id}   (layer)</source>
        <translation>Deleted: {id}   (레이어)</translation>
    </message>
    <message>
        <source>Deleted: {id}   (image)</source>
        <translation>Deleted: {id}   (이미지)</translation>
    </message>
    <message>
        <source>Total freed</source>
        <translation>확보되는 공간 합계</translation>
    </message>
    <message>
        <source>{n} platforms</source>
        <translation>플랫폼 {n}개</translation>
    </message>
    <message>
        <source>{k} of {n} platforms stored</source>
        <translation>플랫폼 {n}개 중 {k}개 저장됨</translation>
    </message>
    <message>
        <source>attestation for {platform}</source>
        <translation>{platform}의 증명</translation>
    </message>
    <message>
        <source>{role} · content {content} · unpacked {unpacked}</source>
        <translation>{role} · 콘텐츠 {content} · 압축 해제 {unpacked}</translation>
    </message>
    <message>
        <source>not available locally</source>
        <translation>로컬에 없음</translation>
    </message>
    <message>
        <source>containerd image store</source>
        <translation>containerd 이미지 저장소</translation>
    </message>
    <message>
        <source>Podman storage</source>
        <translation>Podman 저장소</translation>
    </message>
    <message>
        <source>classic image store</source>
        <translation>기존 이미지 저장소</translation>
    </message>
    <message>
        <source>&lt;b style=&apos;font-size:12pt&apos;&gt;{engine} {version}&lt;/b&gt; · {store}</source>
        <translation>&lt;b style=&apos;font-size:12pt&apos;&gt;{engine} {version}&lt;/b&gt; · {store}</translation>
    </message>
    <message>
        <source>{n} images · {t} tagged · {i} intermediate · {d} dangling · {u} in use · {l} layers</source>
        <translation>이미지 {n}개 · 태그 있음 {t} · 중간 {i} · 댕글링 {d} · 사용 중 {u} · 레이어 {l}개</translation>
    </message>
    <message>
        <source>Σ image sizes &lt;b&gt;{naive}&lt;/b&gt; · on disk &lt;b&gt;{actual}&lt;/b&gt; (sharing saves {saved})</source>
        <translation>이미지 크기 합 &lt;b&gt;{naive}&lt;/b&gt; · 디스크 실사용 &lt;b&gt;{actual}&lt;/b&gt; (공유로 {saved} 절약)</translation>
    </message>
    <message>
        <source>Removing these frees the most (UNIQUE SIZE):</source>
        <translation>지우면 가장 많이 확보되는 이미지 (고유 크기):</translation>
    </message>
    <message>
        <source>Select an image (in the table, the map or above) to see its history.</source>
        <translation>이미지를 선택하면(표, 지도 또는 위 목록에서) 히스토리를 볼 수 있습니다.</translation>
    </message>
    <message>
        <source>Layerscope lesson handout</source>
        <translation>Layerscope 수업 유인물</translation>
    </message>
    <message>
        <source>The handout could not be written: {error}</source>
        <translation>유인물을 저장하지 못했습니다: {error}</translation>
    </message>
    <message>
        <source>Step {n} / {total} · {title}</source>
        <translation>{n} / {total} 단계 · {title}</translation>
    </message>
    <message>
        <source>The daemon&apos;s answer (predicted exactly on the lesson snapshot):</source>
        <translation>데몬의 답 (수업 스냅숏에서 정확히 예측):</translation>
    </message>
    <message>
        <source>Freed: {freed}</source>
        <translation>확보: {freed}</translation>
    </message>
</context>
<context>
    <name>About</name>
    <message>
        <source>not connected yet (loading)</source>
        <translation>아직 연결되지 않음 (불러오는 중)</translation>
    </message>
    <message>
        <source>not connected: the bundled demo snapshot is shown</source>
        <translation>연결되지 않음: 내장 데모 스냅샷을 보여 주는 중</translation>
    </message>
    <message>
        <source>not connected: a snapshot file is shown (taken from {engine} {version}, API {api})</source>
        <translation>연결되지 않음: 스냅샷 파일을 보여 주는 중 ({engine} {version}에서 찍음, API {api})</translation>
    </message>
    <message>
        <source>{engine} {version} at {host}, API version {api}</source>
        <translation>{host}의 {engine} {version}, API 버전 {api}</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>버전</translation>
    </message>
    <message>
        <source>Engine</source>
        <translation>엔진</translation>
    </message>
    <message>
        <source>Delete log</source>
        <translation>삭제 기록</translation>
    </message>
    <message>
        <source>&lt;b&gt;Layerscope&lt;/b&gt; shows what Docker stores on disk: every local image, the layers they share, and exactly what &lt;code&gt;docker rmi&lt;/code&gt; / &lt;code&gt;docker image prune&lt;/code&gt; would do before anything is deleted.</source>
        <translation>&lt;b&gt;Layerscope&lt;/b&gt;는 Docker가 디스크에 저장하는 것을 보여 줍니다: 모든 로컬 이미지, 이미지들이 공유하는 레이어, 그리고 무엇이든 삭제하기 전에 &lt;code&gt;docker rmi&lt;/code&gt; / &lt;code&gt;docker image prune&lt;/code&gt;이 정확히 무엇을 할지.</translation>
    </message>
    <message>
        <source>About Layerscope</source>
        <translation>Layerscope 정보</translation>
    </message>
</context>
<context>
    <name>Accessibility</name>
    <message>
        <source>Filter images by tag or image ID</source>
        <translation>태그나 이미지 ID로 이미지 거르기</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>이미지</translation>
    </message>
    <message>
        <source>Layer map</source>
        <translation>레이어 지도</translation>
    </message>
    <message>
        <source>Maps</source>
        <translation>지도</translation>
    </message>
    <message>
        <source>Panels</source>
        <translation>패널</translation>
    </message>
    <message>
        <source>Images holding the layer</source>
        <translation>이 레이어를 가진 이미지</translation>
    </message>
    <message>
        <source>Host summary</source>
        <translation>호스트 요약</translation>
    </message>
    <message>
        <source>What docker rmi would do</source>
        <translation>docker rmi가 할 일</translation>
    </message>
    <message>
        <source>What-if steps</source>
        <translation>What-if 단계</translation>
    </message>
    <message>
        <source>Main toolbar</source>
        <translation>주 도구 모음</translation>
    </message>
    <message>
        <source>docker images, one row per tag; the header says the order</source>
        <translation>docker images, 태그마다 한 행; 머리글에 정렬 순서가 표시됩니다</translation>
    </message>
    <message>
        <source>Image {name} selected: {status}, SIZE {size}, UNIQUE SIZE {unique}, {n} layers</source>
        <translation>이미지 {name} 선택됨: {status}, 크기 {size}, 고유 크기 {unique}, 레이어 {n}개</translation>
    </message>
    <message>
        <source>Layer {id} selected: {size}, held by {n} images</source>
        <translation>레이어 {id} 선택됨: {size}, 이미지 {n}개가 가짐</translation>
    </message>
    <message>
        <source>Nothing selected: select an image in the images table (Tab from the filter), the map follows</source>
        <translation>선택된 것이 없습니다: 이미지 표에서 이미지를 선택하세요(필터에서 Tab). 지도가 따라갑니다</translation>
    </message>
</context>
<context>
    <name>Banner</name>
    <message>
        <source>Retry</source>
        <translation>다시 시도</translation>
    </message>
    <message>
        <source>Try to read the daemon (or the file) again (F5)</source>
        <translation>데몬(또는 파일)을 다시 읽습니다 (F5)</translation>
    </message>
    <message>
        <source>Hide this message</source>
        <translation>이 메시지 숨기기</translation>
    </message>
</context>
<context>
    <name>Breadcrumb</name>
    <message>
        <source>inside</source>
        <translation>안쪽</translation>
    </message>
    <message>
        <source>Zoom out to {name}</source>
        <translation>{name}(으)로 축소</translation>
    </message>
    <message>
        <source>↑ Up</source>
        <translation>↑ 위로</translation>
    </message>
    <message>
        <source>Zoom out one step (Backspace)</source>
        <translation>한 단계 축소 (Backspace)</translation>
    </message>
    <message>
        <source>Zoom out one step</source>
        <translation>한 단계 축소</translation>
    </message>
    <message>
        <source>area = bytes on disk, each layer once · double-click zooms in</source>
        <translation>넓이 = 디스크의 바이트, 레이어마다 한 번 · 더블클릭하면 확대</translation>
    </message>
</context>
<context>
    <name>CleanupController</name>
    <message>
        <source>Nothing removed: destructive actions are disabled here</source>
        <translation>삭제하지 않았습니다: 여기서는 삭제 작업이 꺼져 있습니다</translation>
    </message>
    <message>
        <source>asking for confirmation</source>
        <translation>확인을 묻는 중</translation>
    </message>
    <message>
        <source>Cancelled — nothing was changed</source>
        <translation>취소됨 — 아무것도 바뀌지 않았습니다</translation>
    </message>
    <message>
        <source>Not performed</source>
        <translation>실행하지 않음</translation>
    </message>
    <message>
        <source>Refused: {why}</source>
        <translation>거부됨: {why}</translation>
    </message>
    <message>
        <source>running…</source>
        <translation>실행 중…</translation>
    </message>
    <message>
        <source>Running {command}…</source>
        <translation>{command} 실행 중…</translation>
    </message>
    <message>
        <source>Done — as predicted</source>
        <translation>완료 — 예측대로</translation>
    </message>
    <message>
        <source>The daemon answered differently</source>
        <translation>데몬이 다르게 응답했습니다</translation>
    </message>
</context>
<context>
    <name>CompareController</name>
    <message>
        <source>Compare the two selected images</source>
        <translation>선택한 두 이미지 비교</translation>
    </message>
    <message>
        <source>Compare with…</source>
        <translation>비교할 이미지…</translation>
    </message>
    <message>
        <source>Compare {image} with:</source>
        <translation>{image}와(과) 비교할 이미지:</translation>
    </message>
</context>
<context>
    <name>CompareDialog</name>
    <message>
        <source>Compare {a} with {b}</source>
        <translation>{a}와(과) {b} 비교</translation>
    </message>
    <message>
        <source>A: {a}
B: {b}</source>
        <translation>A: {a}
B: {b}</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <source>LAYER</source>
        <translation>레이어</translation>
    </message>
    <message>
        <source>SIZE</source>
        <translation>크기</translation>
    </message>
    <message>
        <source>CHAIN ID</source>
        <translation>체인 ID</translation>
    </message>
    <message>
        <source>Filter by path</source>
        <translation>경로로 거르기</translation>
    </message>
    <message>
        <source>All differences</source>
        <translation>모든 차이</translation>
    </message>
    <message>
        <source>Only in B (added)</source>
        <translation>B에만 있음 (추가)</translation>
    </message>
    <message>
        <source>Only in A (removed)</source>
        <translation>A에만 있음 (제거)</translation>
    </message>
    <message>
        <source>In both, changed</source>
        <translation>둘 다 있고 바뀜</translation>
    </message>
    <message>
        <source>Layers of both images</source>
        <translation>두 이미지의 레이어</translation>
    </message>
    <message>
        <source>Files that differ</source>
        <translation>다른 파일</translation>
    </message>
    <message>
        <source>Filter by difference</source>
        <translation>차이 종류로 거르기</translation>
    </message>
    <message>
        <source>Cancel reading</source>
        <translation>읽기 취소</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>상태</translation>
    </message>
    <message>
        <source>Bytes read</source>
        <translation>읽은 바이트</translation>
    </message>
    <message>
        <source>this snapshot carries no file index, and no daemon is behind it</source>
        <translation>이 스냅샷에는 파일 색인이 없고, 연결된 데몬도 없습니다</translation>
    </message>
    <message>
        <source>Could not read the files of {image}: {reason}</source>
        <translation>{image}의 파일을 읽지 못했습니다: {reason}</translation>
    </message>
    <message>
        <source>Reading the files of both images…</source>
        <translation>두 이미지의 파일을 읽는 중…</translation>
    </message>
    <message>
        <source>Comparing…</source>
        <translation>비교하는 중…</translation>
    </message>
    <message>
        <source>Shared layers, stored once: {n}</source>
        <translation>공유 레이어 (한 번만 저장): {n}</translation>
    </message>
    <message>
        <source>A&apos;s own layers: {n}</source>
        <translation>A만의 레이어: {n}</translation>
    </message>
    <message>
        <source>B&apos;s own layers: {n}</source>
        <translation>B만의 레이어: {n}</translation>
    </message>
    <message>
        <source>The two images have the same layers: everything is stored once.</source>
        <translation>두 이미지의 레이어가 같습니다: 모두 한 번만 저장됩니다.</translation>
    </message>
    <message>
        <source>The two images share no layer: not even their base is stored once.</source>
        <translation>두 이미지는 공유하는 레이어가 없습니다: 베이스조차 따로 저장됩니다.</translation>
    </message>
    <message>
        <source>B is built on A: it holds all of A&apos;s layers ({n}) and adds its own ({k}, {bytes}).</source>
        <translation>B는 A 위에 만들어졌습니다: A의 레이어 {n}개를 모두 가지고 자기 레이어({k}개, {bytes})를 더합니다.</translation>
    </message>
    <message>
        <source>A is built on B: it holds all of B&apos;s layers ({n}) and adds its own ({k}, {bytes}).</source>
        <translation>A는 B 위에 만들어졌습니다: B의 레이어 {n}개를 모두 가지고 자기 레이어({k}개, {bytes})를 더합니다.</translation>
    </message>
    <message>
        <source>Shared bottom layers: {n} ({shared}, stored once). They diverge at layer {at}: A&apos;s own layers ({a}, {abytes}) and B&apos;s ({b}, {bbytes}) are each stored on their own.</source>
        <translation>공유하는 아래쪽 레이어: {n}개 ({shared}, 한 번만 저장). 레이어 {at}에서 갈라집니다: A만의 레이어({a}개, {abytes})와 B만의 레이어({b}개, {bbytes})는 각각 따로 저장됩니다.</translation>
    </message>
    <message>
        <source>({n} more not listed)</source>
        <translation>(나열하지 않은 {n}개 더)</translation>
    </message>
    <message>
        <source>{n} added in B ({bytes})</source>
        <translation>B에서 추가 {n}개 ({bytes})</translation>
    </message>
    <message>
        <source>{n} removed from A ({bytes})</source>
        <translation>A에서 제거 {n}개 ({bytes})</translation>
    </message>
    <message>
        <source>{n} changed</source>
        <translation>바뀜 {n}개</translation>
    </message>
    <message>
        <source>{shown} of {n} listed paths match</source>
        <translation>나열된 경로 {n}개 중 {shown}개 일치</translation>
    </message>
</context>
<context>
    <name>ConfirmDialog</name>
    <message>
        <source>Confirm — {command}</source>
        <translation>확인 — {command}</translation>
    </message>
    <message>
        <source>What happens</source>
        <translation>일어나는 일</translation>
    </message>
    <message>
        <source>SIZE</source>
        <translation>크기</translation>
    </message>
    <message>
        <source>Force (-f): also remove an image used by a stopped container or with several repositories</source>
        <translation>강제 (-f): 정지된 컨테이너가 쓰는 이미지나 저장소가 여럿인 이미지도 삭제</translation>
    </message>
    <message>
        <source>No prune (--no-prune): keep untagged parent images</source>
        <translation>정리 안 함 (--no-prune): 태그 없는 부모 이미지는 남김</translation>
    </message>
    <message>
        <source>First remove the stopped container(s) that block it: {names}</source>
        <translation>먼저 이를 막고 있는 정지된 컨테이너를 삭제: {names}</translation>
    </message>
    <message>
        <source>Nothing outside this list is touched. Running containers are never removed.</source>
        <translation>이 목록 밖의 것은 건드리지 않습니다. 실행 중인 컨테이너는 절대 삭제하지 않습니다.</translation>
    </message>
    <message>
        <source>Prune</source>
        <translation>정리</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>삭제</translation>
    </message>
    <message>
        <source>Refused: the outcome cannot be predicted exactly</source>
        <translation>거부됨: 결과를 정확히 예측할 수 없습니다</translation>
    </message>
    <message>
        <source>The daemon would refuse: resolve the conflict first</source>
        <translation>데몬이 거부할 것입니다: 먼저 충돌을 해결하세요</translation>
    </message>
</context>
<context>
    <name>ContextMenus</name>
    <message>
        <source>(by ID)</source>
        <translation>(ID로)</translation>
    </message>
    <message>
        <source>Preview rmi {ref}</source>
        <translation>rmi {ref} 미리 보기</translation>
    </message>
    <message>
        <source>Untag {tag}…</source>
        <translation>{tag} 태그 해제…</translation>
    </message>
    <message>
        <source>What-if: docker rmi {ref}</source>
        <translation>What-if: docker rmi {ref}</translation>
    </message>
    <message>
        <source>Focus on this image&apos;s lineage</source>
        <translation>이 이미지의 계보에 집중</translation>
    </message>
</context>
<context>
    <name>DeleteHistoryDialog</name>
    <message>
        <source>Delete history</source>
        <translation>삭제 기록</translation>
    </message>
    <message>
        <source>TIME</source>
        <translation>시각</translation>
    </message>
    <message>
        <source>FROM</source>
        <translation>출처</translation>
    </message>
    <message>
        <source>COMMAND</source>
        <translation>명령</translation>
    </message>
    <message>
        <source>OUTCOME</source>
        <translation>결과</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>새로 고침</translation>
    </message>
    <message>
        <source>refused: {reason}</source>
        <translation>거부됨: {reason}</translation>
    </message>
    <message>
        <source>sent; did not finish: {failure}</source>
        <translation>보냈으나 끝나지 않음: {failure}</translation>
    </message>
    <message>
        <source>performed, as predicted</source>
        <translation>실행됨, 예측대로</translation>
    </message>
    <message>
        <source>performed; the daemon answered differently</source>
        <translation>실행됨, 데몬의 응답이 예측과 다름</translation>
    </message>
    <message>
        <source>Cannot read {path}: {error}</source>
        <translation>{path}을(를) 읽을 수 없습니다: {error}</translation>
    </message>
    <message>
        <source>{count} record(s) in {path}</source>
        <translation>{path}에 기록 {count}개</translation>
    </message>
    <message>
        <source>{bad} unreadable line(s) skipped</source>
        <translation>읽을 수 없는 줄 {bad}개를 건너뜀</translation>
    </message>
</context>
<context>
    <name>DetailsPanel</name>
    <message>
        <source>PLATFORM</source>
        <translation>플랫폼</translation>
    </message>
    <message>
        <source>KIND</source>
        <translation>종류</translation>
    </message>
    <message>
        <source>AVAILABLE</source>
        <translation>사용 가능</translation>
    </message>
    <message>
        <source>CONTENT</source>
        <translation>콘텐츠</translation>
    </message>
    <message>
        <source>UNPACKED</source>
        <translation>압축 해제</translation>
    </message>
    <message>
        <source>MANIFEST</source>
        <translation>매니페스트</translation>
    </message>
    <message>
        <source>IMAGE</source>
        <translation>이미지</translation>
    </message>
    <message>
        <source>CREATED</source>
        <translation>생성</translation>
    </message>
    <message>
        <source>CREATED BY</source>
        <translation>만든 명령</translation>
    </message>
    <message>
        <source>SIZE</source>
        <translation>크기</translation>
    </message>
    <message>
        <source>COMMENT</source>
        <translation>설명</translation>
    </message>
    <message>
        <source>LAYER</source>
        <translation>레이어</translation>
    </message>
    <message>
        <source>History</source>
        <translation>히스토리</translation>
    </message>
    <message>
        <source>Files</source>
        <translation>파일</translation>
    </message>
    <message>
        <source>What each layer of the image adds, modifies and deletes, the merged filesystem and the wasted bytes (read on demand, Ctrl+I)</source>
        <translation>이미지의 각 레이어가 추가·수정·삭제하는 것, 합쳐진 파일시스템, 낭비된 바이트 (요청할 때 읽음, Ctrl+I)</translation>
    </message>
    <message>
        <source>Image details</source>
        <translation>이미지 상세</translation>
    </message>
    <message>
        <source>docker history</source>
        <translation>docker history</translation>
    </message>
    <message>
        <source>The image&apos;s manifests, as docker image ls --tree lists them: one per platform, and BuildKit&apos;s attestations (build provenance, not a platform)</source>
        <translation>docker image ls --tree처럼 보여 주는 이미지의 매니페스트: 플랫폼마다 하나, 그리고 BuildKit의 증명(빌드 출처 정보이며 플랫폼이 아님)</translation>
    </message>
    <message>
        <source>docker history: click a row that made a layer to select the layer</source>
        <translation>docker history: 레이어를 만든 행을 누르면 그 레이어가 선택됩니다</translation>
    </message>
    <message>
        <source>Every image that holds this layer: click one to select it</source>
        <translation>이 레이어를 가진 모든 이미지: 누르면 선택됩니다</translation>
    </message>
    <message>
        <source>Select an image to see its history.</source>
        <translation>이미지를 선택하면 히스토리가 보입니다.</translation>
    </message>
    <message>
        <source>Select a layer (in the graph or a history row).</source>
        <translation>레이어를 선택하세요 (그래프나 히스토리 행에서).</translation>
    </message>
    <message>
        <source>none</source>
        <translation>없음</translation>
    </message>
    <message>
        <source>⚠ rows → layers mapping is uncertain (marked ?)</source>
        <translation>⚠ 행 → 레이어 대응이 확실하지 않습니다 (? 표시)</translation>
    </message>
    <message>
        <source>&lt;b style=&apos;font-size:12pt&apos;&gt;{tags}&lt;/b&gt;&amp;nbsp; &lt;code&gt;{id}&lt;/code&gt; · {status}&lt;br&gt;DISK USAGE &lt;b&gt;{size}&lt;/b&gt; · CONTENT SIZE {content} · SHARED {shared} · UNIQUE {unique} · {n} layers · containers: {ctrs}</source>
        <translation>&lt;b style=&apos;font-size:12pt&apos;&gt;{tags}&lt;/b&gt;&amp;nbsp; &lt;code&gt;{id}&lt;/code&gt; · {status}&lt;br&gt;디스크 사용량 &lt;b&gt;{size}&lt;/b&gt; · 콘텐츠 크기 {content} · 공유 {shared} · 고유 {unique} · 레이어 {n}개 · 컨테이너: {ctrs}</translation>
    </message>
    <message>
        <source>&lt;b style=&apos;font-size:12pt&apos;&gt;{tags}&lt;/b&gt;&amp;nbsp; &lt;code&gt;{id}&lt;/code&gt; · {status}&lt;br&gt;SIZE &lt;b&gt;{size}&lt;/b&gt; · SHARED {shared} · UNIQUE {unique} · {n} layers · containers: {ctrs}</source>
        <translation>&lt;b style=&apos;font-size:12pt&apos;&gt;{tags}&lt;/b&gt;&amp;nbsp; &lt;code&gt;{id}&lt;/code&gt; · {status}&lt;br&gt;크기 &lt;b&gt;{size}&lt;/b&gt; · 공유 {shared} · 고유 {unique} · 레이어 {n}개 · 컨테이너: {ctrs}</translation>
    </message>
    <message>
        <source>chain ID {id}</source>
        <translation>체인 ID {id}</translation>
    </message>
    <message>
        <source>mapping uncertain: another assignment is possible</source>
        <translation>대응 불확실: 다른 대응도 가능합니다</translation>
    </message>
    <message>
        <source>WASTED {bytes} (versions a higher layer modifies or deletes)</source>
        <translation>낭비 {bytes} (위 레이어가 수정하거나 삭제한 버전)</translation>
    </message>
    <message>
        <source>WASTED {bytes} in {n} files (versions a higher layer modifies or deletes) · in {layers} of {total} layers</source>
        <translation>낭비 {bytes}, 파일 {n}개 (위 레이어가 수정하거나 삭제한 버전) · 레이어 {total}개 중 {layers}개</translation>
    </message>
    <message>
        <source>&lt;missing&gt;: Docker links no local image to this step. The image was built by BuildKit or elsewhere (then pulled or loaded), which keep no parent image per step, even where an image with these layers exists here. Any layer the step made is still part of this image.</source>
        <translation>&lt;missing&gt;: Docker가 이 단계에 연결한 로컬 이미지가 없습니다. 이 이미지는 BuildKit으로 빌드되었거나 다른 곳에서 빌드되어 pull 또는 load로 들어왔고, 이런 이미지는 단계마다 부모 이미지를 남기지 않습니다. 같은 레이어를 가진 이미지가 여기 있어도 마찬가지입니다. 이 단계가 만든 레이어는 여전히 이 이미지의 일부입니다.</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>예</translation>
    </message>
    <message>
        <source>no</source>
        <translation>아니요</translation>
    </message>
    <message>
        <source>shared by {n} images</source>
        <translation>이미지 {n}개가 공유</translation>
    </message>
    <message>
        <source>unique to one image</source>
        <translation>한 이미지에만 있음</translation>
    </message>
    <message>
        <source> ({n} with intermediates)</source>
        <translation> (중간 이미지 포함 {n}개)</translation>
    </message>
    <message>
        <source>(unknown: history mapping uncertain)</source>
        <translation>(알 수 없음: 히스토리 대응이 불확실함)</translation>
    </message>
    <message>
        <source>&lt;b style=&apos;font-size:11pt&apos;&gt;Layer {id}&lt;/b&gt; · {size} · {shared}&lt;br&gt;&lt;small&gt;chain ID &lt;code&gt;{chain}&lt;/code&gt;&lt;br&gt;diff ID &lt;code&gt;{diff}&lt;/code&gt;&lt;br&gt;depth {depth} from the base&lt;/small&gt;&lt;br&gt;CREATED BY &lt;code&gt;{made}&lt;/code&gt;</source>
        <translation>&lt;b style=&apos;font-size:11pt&apos;&gt;레이어 {id}&lt;/b&gt; · {size} · {shared}&lt;br&gt;&lt;small&gt;체인 ID &lt;code&gt;{chain}&lt;/code&gt;&lt;br&gt;diff ID &lt;code&gt;{diff}&lt;/code&gt;&lt;br&gt;베이스에서 깊이 {depth}&lt;/small&gt;&lt;br&gt;만든 명령 &lt;code&gt;{made}&lt;/code&gt;</translation>
    </message>
</context>
<context>
    <name>Export</name>
    <message>
        <source>cannot write {path}</source>
        <translation>{path}에 쓸 수 없습니다</translation>
    </message>
    <message>
        <source>the picture is too large ({w} × {h} pixels)</source>
        <translation>그림이 너무 큽니다 ({w} × {h} 픽셀)</translation>
    </message>
    <message>
        <source>Exported from Layerscope</source>
        <translation>Layerscope에서 내보냄</translation>
    </message>
    <message>
        <source>unknown picture format {fmt}</source>
        <translation>알 수 없는 그림 형식 {fmt}</translation>
    </message>
    <message>
        <source>current view</source>
        <translation>현재 화면</translation>
    </message>
    <message>
        <source>layer graph</source>
        <translation>레이어 그래프</translation>
    </message>
    <message>
        <source>unknown graph format {fmt}</source>
        <translation>알 수 없는 그래프 형식 {fmt}</translation>
    </message>
    <message>
        <source>the chart is written as PNG or SVG, not {fmt}</source>
        <translation>차트는 {fmt} 형식이 아니라 PNG나 SVG로 저장합니다</translation>
    </message>
    <message>
        <source>Current view as {fmt}…</source>
        <translation>현재 화면을 {fmt} 파일로…</translation>
    </message>
    <message>
        <source>Whole graph as {fmt}…</source>
        <translation>그래프 전체를 {fmt} 파일로…</translation>
    </message>
    <message>
        <source>Graph as {fmt}…</source>
        <translation>그래프를 {fmt} 파일로…</translation>
    </message>
    <message>
        <source>Storage chart as {fmt}…</source>
        <translation>저장 공간 차트를 {fmt} 파일로…</translation>
    </message>
    <message>
        <source>Storage map as {fmt}…</source>
        <translation>저장소 지도를 {fmt}(으)로…</translation>
    </message>
    <message>
        <source>Snapshot as {fmt}…</source>
        <translation>스냅샷을 {fmt} 파일로…</translation>
    </message>
    <message>
        <source>PNG image</source>
        <translation>PNG 그림</translation>
    </message>
    <message>
        <source>SVG drawing</source>
        <translation>SVG 그림</translation>
    </message>
    <message>
        <source>PDF document</source>
        <translation>PDF 문서</translation>
    </message>
    <message>
        <source>GraphML graph</source>
        <translation>GraphML 그래프</translation>
    </message>
    <message>
        <source>Graphviz DOT</source>
        <translation>Graphviz DOT</translation>
    </message>
    <message>
        <source>Layerscope snapshot</source>
        <translation>Layerscope 스냅샷</translation>
    </message>
    <message>
        <source>there is no graph to export</source>
        <translation>내보낼 그래프가 없습니다</translation>
    </message>
    <message>
        <source>there is no snapshot to export</source>
        <translation>내보낼 스냅샷이 없습니다</translation>
    </message>
    <message>
        <source>there is no storage chart to export</source>
        <translation>내보낼 저장 공간 차트가 없습니다</translation>
    </message>
</context>
<context>
    <name>ExportController</name>
    <message>
        <source>&amp;Export</source>
        <translation>내보내기(&amp;E)</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>내보내기</translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>내보내기 실패</translation>
    </message>
    <message>
        <source>Exported to {path}</source>
        <translation>{path}(으)로 내보냈습니다</translation>
    </message>
</context>
<context>
    <name>FileTreeModel</name>
    <message>
        <source>NAME</source>
        <translation>이름</translation>
    </message>
    <message>
        <source>SIZE</source>
        <translation>크기</translation>
    </message>
    <message>
        <source>CHANGE</source>
        <translation>변경</translation>
    </message>
    <message>
        <source>MODE</source>
        <translation>권한</translation>
    </message>
    <message>
        <source>LAST WRITTEN BY</source>
        <translation>마지막으로 쓴 레이어</translation>
    </message>
    <message>
        <source>added</source>
        <translation>추가</translation>
    </message>
    <message>
        <source>modified</source>
        <translation>수정</translation>
    </message>
    <message>
        <source>deleted</source>
        <translation>삭제</translation>
    </message>
    <message>
        <source>removed</source>
        <translation>제거</translation>
    </message>
    <message>
        <source>changed</source>
        <translation>바뀜</translation>
    </message>
    <message>
        <source>hard link to /{target}</source>
        <translation>/{target}에 대한 하드 링크</translation>
    </message>
    <message>
        <source>symbolic link to {target}</source>
        <translation>{target}에 대한 심볼릭 링크</translation>
    </message>
    <message>
        <source>not an entry of its own here: shown because of what it holds</source>
        <translation>여기서 자체 항목은 아님: 안에 든 것 때문에 표시됨</translation>
    </message>
</context>
<context>
    <name>FilesPanel</name>
    <message>
        <source>PATH</source>
        <translation>경로</translation>
    </message>
    <message>
        <source>LAYER</source>
        <translation>레이어</translation>
    </message>
    <message>
        <source>SIZE</source>
        <translation>크기</translation>
    </message>
    <message>
        <source>&amp;Read files</source>
        <translation>파일 읽기(&amp;R)</translation>
    </message>
    <message>
        <source>Stream the image from the daemon (docker save) and index every layer&apos;s files; layers indexed before come from the cache</source>
        <translation>데몬에서 이미지를 스트리밍(docker save)해 레이어마다 파일을 색인합니다. 이미 색인한 레이어는 캐시에서 가져옵니다</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <source>Stop reading the files</source>
        <translation>파일 읽기 중지</translation>
    </message>
    <message>
        <source>Sho&amp;w:</source>
        <translation>보기(&amp;W):</translation>
    </message>
    <message>
        <source>Filter by path</source>
        <translation>경로로 거르기</translation>
    </message>
    <message>
        <source>Show only paths that contain this text</source>
        <translation>이 글자가 들어간 경로만 보기</translation>
    </message>
    <message>
        <source>All changes</source>
        <translation>모든 변경</translation>
    </message>
    <message>
        <source>Added</source>
        <translation>추가</translation>
    </message>
    <message>
        <source>Modified</source>
        <translation>수정</translation>
    </message>
    <message>
        <source>Deleted</source>
        <translation>삭제</translation>
    </message>
    <message>
        <source>Show only entries that change the layers below this way</source>
        <translation>아래 레이어를 이렇게 바꾸는 항목만 보기</translation>
    </message>
    <message>
        <source>Read files</source>
        <translation>파일 읽기</translation>
    </message>
    <message>
        <source>Cancel reading</source>
        <translation>읽기 취소</translation>
    </message>
    <message>
        <source>Bytes of the image read</source>
        <translation>읽은 이미지 바이트</translation>
    </message>
    <message>
        <source>Which files to show</source>
        <translation>보여 줄 파일</translation>
    </message>
    <message>
        <source>Filter files by path</source>
        <translation>경로로 파일 거르기</translation>
    </message>
    <message>
        <source>Filter by change kind</source>
        <translation>변경 종류로 거르기</translation>
    </message>
    <message>
        <source>Files</source>
        <translation>파일</translation>
    </message>
    <message>
        <source>Wasted files</source>
        <translation>낭비된 파일</translation>
    </message>
    <message>
        <source>Files status</source>
        <translation>파일 상태</translation>
    </message>
    <message>
        <source>Files summary</source>
        <translation>파일 요약</translation>
    </message>
    <message>
        <source>{n}: {made}</source>
        <translation>{n}: {made}</translation>
    </message>
    <message>
        <source>layer {n}</source>
        <translation>레이어 {n}</translation>
    </message>
    <message>
        <source>Select an image to see its files.</source>
        <translation>이미지를 선택하면 파일을 볼 수 있습니다.</translation>
    </message>
    <message>
        <source>Reading the files of the image…</source>
        <translation>이미지의 파일을 읽는 중…</translation>
    </message>
    <message>
        <source>This snapshot carries no file index (save it with snapshot --save --with-files), and no daemon is behind it to read the files from.</source>
        <translation>이 스냅샷에는 파일 색인이 없고(snapshot --save --with-files로 저장하세요), 파일을 읽어 올 데몬도 없습니다.</translation>
    </message>
    <message>
        <source>Reading the files was cancelled.</source>
        <translation>파일 읽기를 취소했습니다.</translation>
    </message>
    <message>
        <source>Could not read the files: {reason}</source>
        <translation>파일을 읽지 못했습니다: {reason}</translation>
    </message>
    <message>
        <source>Files not read yet: Read files streams the image from the daemon (docker save) and indexes each layer once.</source>
        <translation>아직 파일을 읽지 않았습니다: 파일 읽기는 데몬에서 이미지를 스트리밍(docker save)해 레이어마다 한 번 색인합니다.</translation>
    </message>
    <message>
        <source>starting…</source>
        <translation>시작하는 중…</translation>
    </message>
    <message>
        <source>&amp;Read again</source>
        <translation>다시 읽기(&amp;R)</translation>
    </message>
    <message>
        <source>{done} of ~{total}</source>
        <translation>약 {total} 중 {done}</translation>
    </message>
    <message>
        <source>Whole image — merged filesystem, last written by</source>
        <translation>이미지 전체 — 합쳐진 파일시스템, 마지막으로 쓴 레이어</translation>
    </message>
    <message>
        <source>Wasted bytes — {bytes} in {n} files</source>
        <translation>낭비된 바이트 — 파일 {n}개, {bytes}</translation>
    </message>
    <message>
        <source>wasted {bytes}</source>
        <translation>낭비 {bytes}</translation>
    </message>
    <message>
        <source>Layer {n} · {size}{wasted} · {made}</source>
        <translation>레이어 {n} · {size}{wasted} · {made}</translation>
    </message>
    <message>
        <source>layer {n}: {bytes}</source>
        <translation>레이어 {n}: {bytes}</translation>
    </message>
    <message>
        <source>Wasted: {bytes} in {n} files — file versions the image never shows, because a higher layer modified or deleted them.</source>
        <translation>낭비: 파일 {n}개, {bytes} — 위 레이어가 수정하거나 삭제해서 이미지에 결코 보이지 않는 파일 버전입니다.</translation>
    </message>
    <message>
        <source>{n} paths in the image · {bytes} in files · wasted {wasted}</source>
        <translation>이미지의 경로 {n}개 · 파일 {bytes} · 낭비 {wasted}</translation>
    </message>
    <message>
        <source>{shown} of {n} paths match · {bytes}</source>
        <translation>경로 {n}개 중 {shown}개 일치 · {bytes}</translation>
    </message>
    <message>
        <source>{a} added · {m} modified · {d} deleted · wasted {wasted}</source>
        <translation>추가 {a} · 수정 {m} · 삭제 {d} · 낭비 {wasted}</translation>
    </message>
    <message>
        <source>{shown} of {n} entries match</source>
        <translation>항목 {n}개 중 {shown}개 일치</translation>
    </message>
</context>
<context>
    <name>GraphView</name>
    <message>
        <source>tagged</source>
        <translation>태그 있음</translation>
    </message>
    <message>
        <source>untagged</source>
        <translation>태그 없음</translation>
    </message>
    <message>
        <source>intermediate</source>
        <translation>중간</translation>
    </message>
    <message>
        <source>dangling</source>
        <translation>댕글링</translation>
    </message>
</context>
<context>
    <name>ImagesBox</name>
    <message>
        <source>docker images, one row per tag (View → Show intermediate images for -a); click a row to select the image in the graph</source>
        <translation>docker images, 태그마다 한 행 (-a는 보기 → 중간 이미지 보기). 행을 누르면 그래프에서 그 이미지가 선택됩니다</translation>
    </message>
    <message>
        <source>Filter by tag or image ID  (Ctrl+F)</source>
        <translation>태그나 이미지 ID로 거르기  (Ctrl+F)</translation>
    </message>
</context>
<context>
    <name>ImagesModel</name>
    <message>
        <source>REPOSITORY</source>
        <translation>저장소</translation>
    </message>
    <message>
        <source>TAG</source>
        <translation>태그</translation>
    </message>
    <message>
        <source>IMAGE ID</source>
        <translation>이미지 ID</translation>
    </message>
    <message>
        <source>CREATED</source>
        <translation>생성</translation>
    </message>
    <message>
        <source>SIZE</source>
        <translation>크기</translation>
    </message>
    <message>
        <source>PLATFORMS</source>
        <translation>플랫폼</translation>
    </message>
    <message>
        <source>DISK USAGE</source>
        <translation>디스크 사용량</translation>
    </message>
    <message>
        <source>CONTENT SIZE</source>
        <translation>콘텐츠 크기</translation>
    </message>
    <message>
        <source>SHARED SIZE</source>
        <translation>공유 크기</translation>
    </message>
    <message>
        <source>UNIQUE SIZE</source>
        <translation>고유 크기</translation>
    </message>
    <message>
        <source>CONTAINERS</source>
        <translation>컨테이너</translation>
    </message>
    <message>
        <source>STATUS</source>
        <translation>상태</translation>
    </message>
    <message>
        <source>WASTED</source>
        <translation>낭비</translation>
    </message>
    <message>
        <source>The image&apos;s platforms, as docker image ls --tree lists them (attestation manifests are not platforms)</source>
        <translation>docker image ls --tree처럼 보여 주는 이미지의 플랫폼 (증명 매니페스트는 플랫폼이 아님)</translation>
    </message>
    <message>
        <source>DISK USAGE as Engine 29&apos;s docker images prints it: compressed content plus unpacked layers, every platform</source>
        <translation>Engine 29의 docker images가 보여 주는 디스크 사용량: 압축된 콘텐츠와 압축 해제된 레이어, 모든 플랫폼 합계</translation>
    </message>
    <message>
        <source>CONTENT SIZE as Engine 29&apos;s docker images prints it: the compressed blobs (manifests, configs, layers) of every manifest</source>
        <translation>Engine 29의 docker images가 보여 주는 콘텐츠 크기: 모든 매니페스트의 압축된 블롭(매니페스트, 설정, 레이어)</translation>
    </message>
    <message>
        <source>Bytes of file versions the image never shows, because a higher layer modified or deleted them; empty until the image&apos;s files are read (Image → Show files)</source>
        <translation>위 레이어가 수정하거나 삭제해서 이미지에 결코 보이지 않는 파일 버전의 바이트. 이미지의 파일을 읽기 전에는 비어 있습니다 (이미지 → 파일 보기)</translation>
    </message>
    <message>
        <source>Less than a second ago</source>
        <translation>1초 이내</translation>
    </message>
    <message>
        <source>1 second ago</source>
        <translation>1초 전</translation>
    </message>
    <message>
        <source>{n} seconds ago</source>
        <translation>{n}초 전</translation>
    </message>
    <message>
        <source>About a minute ago</source>
        <translation>약 1분 전</translation>
    </message>
    <message>
        <source>About an hour ago</source>
        <translation>약 1시간 전</translation>
    </message>
    <message>
        <source>{n} years ago</source>
        <translation>{n}년 전</translation>
    </message>
    <message>
        <source>N/A</source>
        <translation>N/A</translation>
    </message>
    <message>
        <source>{n} months ago</source>
        <translation>{n}개월 전</translation>
    </message>
    <message>
        <source>{n} weeks ago</source>
        <translation>{n}주 전</translation>
    </message>
    <message>
        <source>{n} days ago</source>
        <translation>{n}일 전</translation>
    </message>
    <message>
        <source>{n} hours ago</source>
        <translation>{n}시간 전</translation>
    </message>
    <message>
        <source>{n} minutes ago</source>
        <translation>{n}분 전</translation>
    </message>
</context>
<context>
    <name>Language</name>
    <message>
        <source>System language</source>
        <translation>시스템 언어</translation>
    </message>
</context>
<context>
    <name>LanguageController</name>
    <message>
        <source>&amp;Language</source>
        <translation>언어(&amp;L)</translation>
    </message>
    <message>
        <source>No translation for {lang} was found</source>
        <translation>{lang} 번역을 찾을 수 없습니다</translation>
    </message>
</context>
<context>
    <name>Legend</name>
    <message>
        <source>shared layer</source>
        <translation>공유 레이어</translation>
    </message>
    <message>
        <source>layer of one image</source>
        <translation>한 이미지의 레이어</translation>
    </message>
    <message>
        <source>collapsed layers</source>
        <translation>접힌 레이어</translation>
    </message>
    <message>
        <source>tagged image</source>
        <translation>태그 있는 이미지</translation>
    </message>
    <message>
        <source>intermediate (-a)</source>
        <translation>중간 이미지 (-a)</translation>
    </message>
    <message>
        <source>dangling &lt;none&gt;</source>
        <translation>댕글링 &lt;none&gt;</translation>
    </message>
    <message>
        <source>used by a container</source>
        <translation>컨테이너가 사용 중</translation>
    </message>
    <message>
        <source>would be deleted</source>
        <translation>삭제될 것</translation>
    </message>
    <message>
        <source>would be untagged</source>
        <translation>태그가 해제될 것</translation>
    </message>
    <message>
        <source>Legend (View → Legend hides it)</source>
        <translation>범례 (보기 → 범례로 숨김)</translation>
    </message>
</context>
<context>
    <name>LessonController</name>
    <message>
        <source>Read-only: a live lesson would change the daemon</source>
        <translation>읽기 전용: 실시간 수업은 데몬을 바꾸게 됩니다</translation>
    </message>
    <message>
        <source>Live lesson</source>
        <translation>실시간 수업</translation>
    </message>
    <message>
        <source>The practice daemon&apos;s URL (e.g. unix:///run/practice/docker.sock or tcp://HOST:2376); your default daemon is never used. It must hold ubuntu:18.04, and node:lts-alpine for the Express steps.</source>
        <translation>연습용 데몬의 URL (예: unix:///run/practice/docker.sock 또는 tcp://HOST:2376). 기본 데몬은 절대 쓰지 않습니다. 그 데몬에 ubuntu:18.04가 있어야 하고, Express 단계에는 node:lts-alpine도 있어야 합니다.</translation>
    </message>
    <message>
        <source>Connecting to {host}…</source>
        <translation>{host}에 연결하는 중…</translation>
    </message>
    <message>
        <source>Export lesson handout</source>
        <translation>수업 유인물 내보내기</translation>
    </message>
    <message>
        <source>PDF (*.pdf)</source>
        <translation>PDF 문서 (*.pdf)</translation>
    </message>
    <message>
        <source>Lesson handout written: {path}</source>
        <translation>수업 유인물을 저장했습니다: {path}</translation>
    </message>
    <message>
        <source>The handout could not be written: {error}</source>
        <translation>유인물을 저장하지 못했습니다: {error}</translation>
    </message>
    <message>
        <source>Lesson: build a Docker image</source>
        <translation>수업: 도커 이미지 만들기</translation>
    </message>
    <message>
        <source>Running {command}…</source>
        <translation>{command} 실행 중…</translation>
    </message>
    <message>
        <source>Back shows the step again; the daemon is not undone (Reset lesson removes what it made)</source>
        <translation>이전은 단계를 다시 보여 줄 뿐 데몬의 변경을 되돌리지 않습니다 (수업 초기화가 수업에서 만든 것을 지웁니다)</translation>
    </message>
    <message>
        <source>{images} is not on {host}: the Express app&apos;s builds and its docker tag are shown on the demo snapshot instead. To perform them live, pull it there first (docker pull {images}).</source>
        <translation>{host}에 {images}가 없습니다. Express 앱의 빌드와 docker tag 단계는 대신 데모 스냅샷으로 보여 줍니다. 실제로 실행하려면 먼저 그 데몬에 내려받으세요 (docker pull {images}).</translation>
    </message>
    <message>
        <source>Reset lesson: nothing to remove</source>
        <translation>수업 초기화: 지울 것이 없습니다</translation>
    </message>
    <message>
        <source>Reset lesson will, on {host}:</source>
        <translation>수업 초기화는 {host}에서 다음을 합니다:</translation>
    </message>
    <message>
        <source>Reset lesson</source>
        <translation>수업 초기화</translation>
    </message>
    <message>
        <source>Lesson reset: the daemon&apos;s images are as before the lesson</source>
        <translation>수업을 초기화했습니다: 데몬의 이미지가 수업 전과 같습니다</translation>
    </message>
    <message>
        <source>Lesson reset, but the daemon&apos;s images differ from before the lesson</source>
        <translation>수업을 초기화했지만 데몬의 이미지가 수업 전과 다릅니다</translation>
    </message>
    <message>
        <source>Live lesson: {error}</source>
        <translation>실시간 수업: {error}</translation>
    </message>
</context>
<context>
    <name>LessonPanel</name>
    <message>
        <source>&lt;b&gt;Guess first:&lt;/b&gt; what will the daemon answer?</source>
        <translation>&lt;b&gt;먼저 맞혀 보세요:&lt;/b&gt; 데몬은 무엇이라고 답할까요?</translation>
    </message>
    <message>
        <source>Only untags (nothing deleted)</source>
        <translation>Untag만 됨 (아무것도 지워지지 않음)</translation>
    </message>
    <message>
        <source>Images deleted</source>
        <translation>지워지는 이미지 수</translation>
    </message>
    <message>
        <source>Layers deleted</source>
        <translation>지워지는 레이어 수</translation>
    </message>
    <message>
        <source>MB freed</source>
        <translation>확보되는 MB</translation>
    </message>
    <message>
        <source>Reveal the answer</source>
        <translation>정답 보기</translation>
    </message>
    <message>
        <source>◀ Back</source>
        <translation>◀ 이전</translation>
    </message>
    <message>
        <source>Next ▶</source>
        <translation>다음 ▶</translation>
    </message>
    <message>
        <source>Restart lesson</source>
        <translation>수업 처음부터</translation>
    </message>
    <message>
        <source>Back to step 1 on the lesson snapshot (nothing on a daemon is touched)</source>
        <translation>수업 스냅숏의 1단계로 돌아갑니다 (데몬은 건드리지 않습니다)</translation>
    </message>
    <message>
        <source>Step {n} / {total}</source>
        <translation>{n} / {total} 단계</translation>
    </message>
    <message>
        <source>Discuss with the class, enter the guess, then Reveal (or Next).</source>
        <translation>함께 이야기해 보고 예상을 입력한 뒤 정답 보기(또는 다음)를 누르세요.</translation>
    </message>
    <message>
        <source>Freed: {freed} · untag only {a} · {i} image(s) {b} · {l} layer(s) {c} · bytes {d}</source>
        <translation>확보: {freed} · Untag만 {a} · 이미지 {i}개 {b} · 레이어 {l}개 {c} · 바이트 {d}</translation>
    </message>
</context>
<context>
    <name>Live</name>
    <message>
        <source>● live</source>
        <translation>● 실시간</translation>
    </message>
    <message>
        <source>Following the daemon&apos;s events: changes appear without a reload</source>
        <translation>데몬의 이벤트를 따라가는 중: 변경 사항이 다시 읽지 않아도 보입니다</translation>
    </message>
    <message>
        <source>◌ connecting…</source>
        <translation>◌ 연결 중…</translation>
    </message>
    <message>
        <source>Subscribing to the daemon&apos;s events</source>
        <translation>데몬의 이벤트를 구독하는 중</translation>
    </message>
    <message>
        <source>◌ reconnecting…</source>
        <translation>◌ 다시 연결 중…</translation>
    </message>
    <message>
        <source>The daemon went away; reconnecting (what is shown may be out of date)</source>
        <translation>데몬 연결이 끊겼습니다. 다시 연결하는 중입니다 (보이는 내용이 최신이 아닐 수 있습니다)</translation>
    </message>
    <message>
        <source>○ off</source>
        <translation>○ 꺼짐</translation>
    </message>
    <message>
        <source>Live updates follow a Docker daemon; this window shows a snapshot file or the demo</source>
        <translation>실시간 반영은 Docker 데몬을 따라갑니다. 이 창은 스냅샷 파일이나 데모를 보여 주고 있습니다</translation>
    </message>
    <message>
        <source>Live updates are off (View → Live updates)</source>
        <translation>실시간 반영이 꺼져 있습니다 (보기 → 실시간 반영)</translation>
    </message>
</context>
<context>
    <name>LiveUpdatesController</name>
    <message>
        <source>Li&amp;ve updates</source>
        <translation>실시간 반영(&amp;V)</translation>
    </message>
    <message>
        <source>Follow the daemon&apos;s events: tags, pulls, builds and removals appear without a reload (daemon only)</source>
        <translation>데몬의 이벤트를 따라갑니다: 태그, pull, 빌드, 삭제가 다시 읽지 않아도 바로 보입니다 (데몬일 때만)</translation>
    </message>
</context>
<context>
    <name>LoadingController</name>
    <message>
        <source>Reading the Docker daemon…</source>
        <translation>Docker 데몬을 읽는 중…</translation>
    </message>
    <message>
        <source>Opening {name}…</source>
        <translation>{name} 여는 중…</translation>
    </message>
    <message>
        <source>Opening the demo snapshot…</source>
        <translation>데모 스냅샷을 여는 중…</translation>
    </message>
    <message>
        <source>reading images %v/%m</source>
        <translation>이미지 읽는 중 %v/%m</translation>
    </message>
    <message>
        <source>the bundled demo snapshot cannot be read: {reason}</source>
        <translation>함께 제공된 데모 스냅샷을 읽을 수 없습니다: {reason}</translation>
    </message>
    <message>
        <source>Docker daemon:</source>
        <translation>Docker 데몬:</translation>
    </message>
    <message>
        <source> (and {n} more; see File → Save to keep the repaired file)</source>
        <translation> (외 {n}건; 고친 파일을 남기려면 파일 → 저장)</translation>
    </message>
    <message>
        <source>Opened {name} with warnings:</source>
        <translation>{name}을(를) 열었지만 경고가 있습니다:</translation>
    </message>
    <message>
        <source>still showing the snapshot taken {when}</source>
        <translation>{when}에 찍은 스냅샷을 계속 보여 줍니다</translation>
    </message>
    <message>
        <source>earlier</source>
        <translation>이전</translation>
    </message>
    <message>
        <source>refreshing: images %v/%m</source>
        <translation>새로 읽는 중: 이미지 %v/%m</translation>
    </message>
    <message>
        <source>Showing the snapshot taken {when}; reading the daemon…</source>
        <translation>{when}에 찍은 스냅숏을 보여 주는 중입니다. 데몬을 읽고 있습니다…</translation>
    </message>
    <message>
        <source>Showing the images listed so far; their layers are filled in as they are read…</source>
        <translation>지금까지 나열된 이미지를 보여 주는 중입니다. 레이어는 읽는 대로 채워집니다…</translation>
    </message>
    <message>
        <source>Refreshing:</source>
        <translation>새로 읽는 중:</translation>
    </message>
    <message>
        <source>refreshing…</source>
        <translation>새로 읽는 중…</translation>
    </message>
    <message>
        <source>{time} ({ago})</source>
        <translation>{time} ({ago})</translation>
    </message>
    <message>
        <source>still showing the snapshot taken {when}, which may be out of date</source>
        <translation>{when}에 찍은 스냅숏을 계속 보여 줍니다. 최신이 아닐 수 있습니다</translation>
    </message>
    <message>
        <source>still showing what was read so far: some images have no layers</source>
        <translation>지금까지 읽은 것을 계속 보여 줍니다. 일부 이미지에는 레이어가 없습니다</translation>
    </message>
    <message>
        <source>Internal error while reading the daemon:</source>
        <translation>데몬을 읽는 중 내부 오류:</translation>
    </message>
    <message>
        <source>Internal error while reading {name}:</source>
        <translation>{name}을(를) 읽는 중 내부 오류:</translation>
    </message>
    <message>
        <source>Cannot open snapshot {name}:</source>
        <translation>스냅샷 {name}을(를) 열 수 없습니다:</translation>
    </message>
    <message>
        <source>The daemon changed; shown when you leave what-if mode</source>
        <translation>데몬이 바뀌었습니다. what-if 모드를 나가면 보입니다</translation>
    </message>
    <message>
        <source>WHAT-IF — nothing is deleted.</source>
        <translation>WHAT-IF — 아무것도 삭제하지 않습니다.</translation>
    </message>
    <message>
        <source>Remove, untag and prune are simulated on this snapshot. Undo: Ctrl+Z · Redo: Ctrl+Shift+Z · leave: W</source>
        <translation>삭제, 태그 해제, 정리를 이 스냅샷에서 시뮬레이션합니다. 실행 취소: Ctrl+Z · 다시 실행: Ctrl+Shift+Z · 나가기: W</translation>
    </message>
    <message>
        <source>No Docker daemon reachable: {reason}. </source>
        <translation>연결할 수 있는 Docker 데몬이 없습니다: {reason}. </translation>
    </message>
    <message>
        <source>Showing the bundled tutorial snapshot (ubuntu:18.04 → ubuntu_apache → iscreamedu_apache), not your machine. Try What-if (W) to step through the tutorial&apos;s deletions.</source>
        <translation>이 컴퓨터가 아니라 함께 제공된 튜토리얼 스냅샷(ubuntu:18.04 → ubuntu_apache → iscreamedu_apache)을 보여 줍니다. What-if(W)로 튜토리얼의 삭제 과정을 한 단계씩 따라가 보세요.</translation>
    </message>
    <message>
        <source>Internal error:</source>
        <translation>내부 오류:</translation>
    </message>
    <message>
        <source>Open snapshot</source>
        <translation>스냅샷 열기</translation>
    </message>
    <message>
        <source>Layerscope snapshot (*.json);;All (*)</source>
        <translation>Layerscope 스냅샷 (*.json);;모든 파일 (*)</translation>
    </message>
    <message>
        <source>Save snapshot</source>
        <translation>스냅샷 저장</translation>
    </message>
    <message>
        <source>Layerscope snapshot (*.json)</source>
        <translation>Layerscope 스냅샷 (*.json)</translation>
    </message>
    <message>
        <source>Cannot save snapshot:</source>
        <translation>스냅샷을 저장할 수 없습니다:</translation>
    </message>
    <message>
        <source>saved {n} images to {path}</source>
        <translation>이미지 {n}개를 {path}에 저장했습니다</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Details</source>
        <translation>세부 정보</translation>
    </message>
    <message>
        <source>rmi preview</source>
        <translation>rmi 미리 보기</translation>
    </message>
    <message>
        <source>Storage</source>
        <translation>저장 공간</translation>
    </message>
    <message>
        <source>What-if</source>
        <translation>What-if</translation>
    </message>
    <message>
        <source>Layer map</source>
        <translation>레이어 지도</translation>
    </message>
    <message>
        <source>Storage map</source>
        <translation>저장소 지도</translation>
    </message>
</context>
<context>
    <name>Manifests</name>
    <message>
        <source>image</source>
        <translation>이미지</translation>
    </message>
    <message>
        <source>attestation</source>
        <translation>증명</translation>
    </message>
</context>
<context>
    <name>PresentationController</name>
    <message>
        <source>WHAT-IF — nothing is deleted</source>
        <translation>WHAT-IF — 아무것도 삭제하지 않습니다</translation>
    </message>
    <message>
        <source>step {n}: {label}</source>
        <translation>{n}단계: {label}</translation>
    </message>
    <message>
        <source>original state — Right applies the next step</source>
        <translation>원래 상태 — 오른쪽 화살표로 다음 단계를 적용합니다</translation>
    </message>
    <message>
        <source>{n} layers · SIZE {size} · UNIQUE {unique}</source>
        <translation>레이어 {n}개 · 크기 {size} · 고유 {unique}</translation>
    </message>
    <message>
        <source>Right / PgDn: next image · Left / PgUp: previous · Esc: leave</source>
        <translation>오른쪽 / PgDn: 다음 이미지 · 왼쪽 / PgUp: 이전 · Esc: 나가기</translation>
    </message>
</context>
<context>
    <name>PreviewPanel</name>
    <message>
        <source>docker rmi (preview — nothing is deleted)</source>
        <translation>docker rmi (미리 보기 — 아무것도 삭제하지 않음)</translation>
    </message>
    <message>
        <source>SIZE</source>
        <translation>크기</translation>
    </message>
    <message>
        <source>Select a tag or an image and choose &lt;b&gt;Preview rmi&lt;/b&gt; (Ctrl+R, toolbar or right-click in the graph) to see what &lt;code&gt;docker rmi&lt;/code&gt; would do. Nothing is deleted.</source>
        <translation>태그나 이미지를 선택하고 &lt;b&gt;rmi 미리 보기&lt;/b&gt;(Ctrl+R, 도구 모음 또는 그래프에서 오른쪽 클릭)를 고르면 &lt;code&gt;docker rmi&lt;/code&gt;가 할 일을 볼 수 있습니다. 아무것도 삭제하지 않습니다.</translation>
    </message>
    <message>
        <source>preview</source>
        <translation>미리 보기</translation>
    </message>
    <message>
        <source>Esc clears the preview. Nothing was deleted.</source>
        <translation>Esc로 미리 보기를 지웁니다. 아무것도 삭제하지 않았습니다.</translation>
    </message>
    <message>
        <source>Preview cleared. Nothing was deleted.</source>
        <translation>미리 보기를 지웠습니다. 아무것도 삭제하지 않았습니다.</translation>
    </message>
</context>
<context>
    <name>SelectionController</name>
    <message>
        <source>{name} selected — Ctrl+R previews `docker rmi`</source>
        <translation>{name} 선택됨 — Ctrl+R로 `docker rmi`를 미리 봅니다</translation>
    </message>
</context>
<context>
    <name>StorageChart</name>
    <message>
        <source>SHARED SIZE (layers other images hold too)</source>
        <translation>공유 크기 (다른 이미지도 가진 레이어)</translation>
    </message>
    <message>
        <source>UNIQUE SIZE (only this image)</source>
        <translation>고유 크기 (이 이미지에만 있음)</translation>
    </message>
    <message>
        <source> (largest {n} of {total})</source>
        <translation> ({total}개 중 큰 것 {n}개)</translation>
    </message>
    <message>
        <source>Naive sum vs stored ({counted})</source>
        <translation>단순 합 대 실제 저장량 ({counted})</translation>
    </message>
    <message>
        <source>layer bytes, each layer counted once</source>
        <translation>레이어 바이트, 레이어마다 한 번씩만 셈</translation>
    </message>
    <message>
        <source>SHARED SIZE (layers and blobs other images hold too)</source>
        <translation>공유 크기 (다른 이미지도 가진 레이어와 블롭)</translation>
    </message>
    <message>
        <source>Σ docker images DISK USAGE</source>
        <translation>Σ docker images 디스크 사용량</translation>
    </message>
    <message>
        <source>disk usage: compressed content + unpacked layers, each counted once</source>
        <translation>디스크 사용량: 압축된 콘텐츠 + 압축 해제된 레이어, 각각 한 번씩만 셈</translation>
    </message>
    <message>
        <source>(not exact)</source>
        <translation>(정확하지 않음)</translation>
    </message>
    <message>
        <source>Per image: shared vs unique</source>
        <translation>이미지별: 공유 대 고유</translation>
    </message>
    <message>
        <source>Σ docker images SIZE</source>
        <translation>Σ docker images 크기</translation>
    </message>
    <message>
        <source>actually on disk</source>
        <translation>실제 디스크 사용량</translation>
    </message>
</context>
<context>
    <name>StorageMapPanel</name>
    <message>
        <source>Storage map</source>
        <translation>저장소 지도</translation>
    </message>
</context>
<context>
    <name>StorageMapView</name>
    <message>
        <source>Storage map</source>
        <translation>저장소 지도</translation>
    </message>
    <message>
        <source>Every layer once, as a box whose area is its bytes on disk; what is built on a layer nests inside its box. Click selects, double-click zooms in, Backspace zooms out, Home fits.</source>
        <translation>모든 레이어를 한 번씩, 넓이가 디스크의 바이트인 상자로 그립니다. 레이어 위에 만든 것은 그 상자 안에 들어갑니다. 클릭하면 선택, 더블클릭하면 확대, Backspace는 축소, Home은 맞춤.</translation>
    </message>
    <message>
        <source>All images</source>
        <translation>모든 이미지</translation>
    </message>
    <message>
        <source>{name} · {size}</source>
        <translation>{name} · {size}</translation>
    </message>
    <message>
        <source>{size} on disk here</source>
        <translation>여기 디스크에 {size}</translation>
    </message>
    <message>
        <source> (its own layers {own}, the rest built on them)</source>
        <translation> (자기 레이어 {own}, 나머지는 그 위에 만든 것)</translation>
    </message>
    <message>
        <source>CREATED BY unknown: the history rows do not tell which one made this layer</source>
        <translation>CREATED BY 모름: 히스토리 행으로는 어느 행이 이 레이어를 만들었는지 알 수 없습니다</translation>
    </message>
    <message>
        <source>its history row has no CREATED BY (an imported or committed layer)</source>
        <translation>히스토리 행에 CREATED BY가 없습니다 (import 또는 commit한 레이어)</translation>
    </message>
    <message>
        <source>{n} more too small to draw here ({size}):</source>
        <translation>여기 그리기에 너무 작은 것 {n}개 더 ({size}):</translation>
    </message>
    <message>
        <source>no snapshot</source>
        <translation>스냅샷 없음</translation>
    </message>
</context>
<context>
    <name>ViewsController</name>
    <message>
        <source>zoom {pct}</source>
        <translation>배율 {pct}</translation>
    </message>
    <message>
        <source>no snapshot</source>
        <translation>스냅샷 없음</translation>
    </message>
    <message>
        <source>{n} images · {t} tagged · {d} dangling · {i} intermediate · {l} layers</source>
        <translation>이미지 {n}개 · 태그 있음 {t} · 댕글링 {d} · 중간 {i} · 레이어 {l}개</translation>
    </message>
    <message>
        <source>Σ image sizes {naive} · on disk {actual}</source>
        <translation>이미지 크기 합 {naive} · 디스크 실사용 {actual}</translation>
    </message>
    <message>
        <source>The naive sum of `docker images` DISK USAGE against the disk usage of the compressed content and unpacked layers, each counted once</source>
        <translation>`docker images` 디스크 사용량의 단순 합과, 압축된 콘텐츠와 압축 해제된 레이어를 각각 한 번씩만 센 디스크 사용량의 비교</translation>
    </message>
    <message>
        <source>The naive sum of `docker images` SIZE against the bytes stored, counting each shared layer once</source>
        <translation>`docker images` SIZE를 단순히 더한 값과, 공유 레이어를 한 번씩만 센 실제 저장 바이트의 비교</translation>
    </message>
    <message>
        <source>DEMO</source>
        <translation>데모</translation>
    </message>
    <message>
        <source>FILE</source>
        <translation>파일</translation>
    </message>
    <message>
        <source>LIVE</source>
        <translation>실시간</translation>
    </message>
    <message>
        <source>WHAT-IF</source>
        <translation>WHAT-IF</translation>
    </message>
    <message>
        <source>STALE</source>
        <translation>오래됨</translation>
    </message>
    <message>
        <source>DEMO — bundled tutorial snapshot</source>
        <translation>데모 — 함께 제공된 튜토리얼 스냅샷</translation>
    </message>
    <message>
        <source>snapshot {name} (taken {when})</source>
        <translation>스냅샷 {name} ({when}에 찍음)</translation>
    </message>
    <message>
        <source>{engine} {version} at {host}</source>
        <translation>{host}의 {engine} {version}</translation>
    </message>
    <message>
        <source>[stale]</source>
        <translation>[오래됨]</translation>
    </message>
    <message>
        <source>[read-only]</source>
        <translation>[읽기 전용]</translation>
    </message>
    <message>
        <source>[WHAT-IF]</source>
        <translation>[WHAT-IF]</translation>
    </message>
</context>
<context>
    <name>WhatIfController</name>
    <message>
        <source>what-if step — nothing was deleted</source>
        <translation>what-if 단계 — 아무것도 삭제하지 않았습니다</translation>
    </message>
    <message>
        <source>What-if: {summary}</source>
        <translation>What-if 결과: {summary}</translation>
    </message>
    <message>
        <source>Undone: {label}</source>
        <translation>실행 취소: {label}</translation>
    </message>
    <message>
        <source>Redone: {label}</source>
        <translation>다시 실행: {label}</translation>
    </message>
</context>
<context>
    <name>WhatIfPanel</name>
    <message>
        <source>&lt;b&gt;What-if steps&lt;/b&gt; — simulated on the snapshot, nothing is deleted. Ctrl+Z undoes, Ctrl+Shift+Z redoes.</source>
        <translation>&lt;b&gt;What-if 단계&lt;/b&gt; — 스냅샷에서 시뮬레이션하며 아무것도 삭제하지 않습니다. Ctrl+Z는 실행 취소, Ctrl+Shift+Z는 다시 실행입니다.</translation>
    </message>
    <message>
        <source>0. original snapshot</source>
        <translation>0. 원래 스냅샷</translation>
    </message>
    <message>
        <source>↷ {label} (undone)</source>
        <translation>↷ {label} (실행 취소됨)</translation>
    </message>
</context>
<context>
    <name>WindowMenus</name>
    <message>
        <source>&amp;Open snapshot…</source>
        <translation>스냅샷 열기(&amp;O)…</translation>
    </message>
    <message>
        <source>Open a saved snapshot file</source>
        <translation>저장된 스냅샷 파일을 엽니다</translation>
    </message>
    <message>
        <source>&amp;Save snapshot…</source>
        <translation>스냅샷 저장(&amp;S)…</translation>
    </message>
    <message>
        <source>Save what is shown to a snapshot file (works offline later)</source>
        <translation>보이는 내용을 스냅샷 파일로 저장합니다 (나중에 오프라인에서도 열 수 있습니다)</translation>
    </message>
    <message>
        <source>Open the &amp;demo snapshot</source>
        <translation>데모 스냅샷 열기(&amp;D)</translation>
    </message>
    <message>
        <source>The bundled tutorial: ubuntu:18.04, two commits, a Dockerfile build, node</source>
        <translation>함께 제공된 튜토리얼: ubuntu:18.04, 커밋 두 번, Dockerfile 빌드, node</translation>
    </message>
    <message>
        <source>Open the tutorial&apos;s r&amp;mi lesson</source>
        <translation>튜토리얼의 rmi 수업 열기(&amp;M)</translation>
    </message>
    <message>
        <source>Only ubuntu:18.04, ubuntu_apache and iscreamedu_apache: use What-if to replay the tutorial&apos;s three docker rmi answers</source>
        <translation>ubuntu:18.04, ubuntu_apache, iscreamedu_apache만 있습니다: What-if로 튜토리얼의 docker rmi 응답 세 가지를 재현해 보세요</translation>
    </message>
    <message>
        <source>&amp;Lesson…</source>
        <translation>수업(&amp;L)…</translation>
    </message>
    <message>
        <source>The seed tutorial step by step: each command, what to say, what to look at; guess each docker rmi, then reveal its exact answer (Ctrl+L)</source>
        <translation>원본 튜토리얼을 한 단계씩: 각 명령어, 설명, 볼 곳. docker rmi마다 먼저 맞혀 보고 정확한 답을 확인합니다 (Ctrl+L)</translation>
    </message>
    <message>
        <source>Lesson &amp;live on a practice daemon…</source>
        <translation>연습용 데몬에서 실시간 수업(&amp;V)…</translation>
    </message>
    <message>
        <source>Perform the lesson&apos;s commands for real on a daemon you name (never your default one); Reset lesson removes what it made</source>
        <translation>지정한 데몬에서 수업의 명령을 실제로 실행합니다 (기본 데몬은 절대 쓰지 않음). 수업 초기화가 수업에서 만든 것을 지웁니다</translation>
    </message>
    <message>
        <source>&amp;Export lesson handout…</source>
        <translation>수업 유인물 내보내기(&amp;H)…</translation>
    </message>
    <message>
        <source>A PDF for the class: one page per lesson step with its command, explanation and the map at that step</source>
        <translation>수업용 PDF: 수업 단계마다 한 쪽, 명령어와 설명과 그 단계의 레이어 맵</translation>
    </message>
    <message>
        <source>&amp;Reload</source>
        <translation>다시 읽기(&amp;R)</translation>
    </message>
    <message>
        <source>Read the daemon again (F5)</source>
        <translation>데몬을 다시 읽습니다 (F5)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>끝내기(&amp;Q)</translation>
    </message>
    <message>
        <source>Quit Layerscope</source>
        <translation>Layerscope를 끝냅니다</translation>
    </message>
    <message>
        <source>Zoom &amp;in</source>
        <translation>확대(&amp;I)</translation>
    </message>
    <message>
        <source>Zoom in (Ctrl+=, wheel)</source>
        <translation>확대 (Ctrl+=, 휠)</translation>
    </message>
    <message>
        <source>Zoom &amp;out</source>
        <translation>축소(&amp;O)</translation>
    </message>
    <message>
        <source>Zoom out (Ctrl+-, wheel)</source>
        <translation>축소 (Ctrl+-, 휠)</translation>
    </message>
    <message>
        <source>&amp;Fit graph</source>
        <translation>그래프 맞추기(&amp;F)</translation>
    </message>
    <message>
        <source>Show the whole forest (Ctrl+0, F)</source>
        <translation>레이어 숲 전체를 보여 줍니다 (Ctrl+0, F)</translation>
    </message>
    <message>
        <source>&amp;Storage map</source>
        <translation>저장소 지도(&amp;S)</translation>
    </message>
    <message>
        <source>Show the storage map instead of the layer map: every layer once, its area its bytes on disk (M)</source>
        <translation>레이어 지도 대신 저장소 지도 보기: 모든 레이어를 한 번씩, 넓이는 디스크의 바이트 (M)</translation>
    </message>
    <message>
        <source>Focus on &amp;lineage</source>
        <translation>계보에 집중(&amp;L)</translation>
    </message>
    <message>
        <source>Show only the selected image and the layers under it (L)</source>
        <translation>선택한 이미지와 그 아래 레이어만 보여 줍니다 (L)</translation>
    </message>
    <message>
        <source>&amp;Legend</source>
        <translation>범례(&amp;G)</translation>
    </message>
    <message>
        <source>Show or hide the legend under the graph</source>
        <translation>그래프 아래의 범례를 보이거나 숨깁니다</translation>
    </message>
    <message>
        <source>Show &amp;intermediate images (-a)</source>
        <translation>중간 이미지 보기(&amp;I) (-a)</translation>
    </message>
    <message>
        <source>Like `docker images -a`: also show untagged images that have children (Ctrl+Shift+A)</source>
        <translation>`docker images -a`처럼 자식이 있는 태그 없는 이미지도 보여 줍니다 (Ctrl+Shift+A)</translation>
    </message>
    <message>
        <source>&amp;Filter images</source>
        <translation>이미지 필터(&amp;T)</translation>
    </message>
    <message>
        <source>Filter the images table by tag or ID (Ctrl+F)</source>
        <translation>이미지 표를 태그나 ID로 거릅니다 (Ctrl+F)</translation>
    </message>
    <message>
        <source>&amp;Preview rmi</source>
        <translation>rmi 미리 보기(&amp;P)</translation>
    </message>
    <message>
        <source>Show what `docker rmi` of the selected tag or image would untag, delete and free — nothing is deleted (Ctrl+R)</source>
        <translation>선택한 태그나 이미지에 `docker rmi`를 하면 무엇이 태그 해제되고 삭제되며 얼마나 확보되는지 보여 줍니다 — 아무것도 삭제하지 않습니다 (Ctrl+R)</translation>
    </message>
    <message>
        <source>&amp;Clear preview / focus</source>
        <translation>미리 보기 / 집중 해제(&amp;C)</translation>
    </message>
    <message>
        <source>Clear the rmi preview and the lineage focus (Esc)</source>
        <translation>rmi 미리 보기와 계보 집중을 해제합니다 (Esc)</translation>
    </message>
    <message>
        <source>&amp;Presentation</source>
        <translation>발표 모드(&amp;P)</translation>
    </message>
    <message>
        <source>Full screen, large and high-contrast; Right/Left step through images or what-if steps; Esc leaves (F11)</source>
        <translation>전체 화면, 큰 글씨, 높은 대비. 오른쪽/왼쪽 화살표로 이미지나 what-if 단계를 넘깁니다. Esc로 나갑니다 (F11)</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>다음</translation>
    </message>
    <message>
        <source>Next image, or redo in what-if mode</source>
        <translation>다음 이미지, what-if 모드에서는 다시 실행</translation>
    </message>
    <message>
        <source>Previous</source>
        <translation>이전</translation>
    </message>
    <message>
        <source>Previous image, or undo in what-if mode</source>
        <translation>이전 이미지, what-if 모드에서는 실행 취소</translation>
    </message>
    <message>
        <source>&amp;Remove image…</source>
        <translation>이미지 삭제(&amp;R)…</translation>
    </message>
    <message>
        <source>docker rmi the selection: by tag for a tag row, by ID for an image (asks first, shows exactly what goes) (Delete)</source>
        <translation>선택 항목에 docker rmi: 태그 행은 태그로, 이미지는 ID로 (먼저 묻고, 무엇이 사라지는지 정확히 보여 줍니다) (Delete)</translation>
    </message>
    <message>
        <source>&amp;Untag…</source>
        <translation>태그 해제(&amp;U)…</translation>
    </message>
    <message>
        <source>Remove only this tag (docker rmi of the tag)</source>
        <translation>이 태그만 제거합니다 (태그에 docker rmi)</translation>
    </message>
    <message>
        <source>Prune &amp;dangling images…</source>
        <translation>댕글링 이미지 정리(&amp;D)…</translation>
    </message>
    <message>
        <source>docker image prune (asks first)</source>
        <translation>docker image prune (먼저 묻습니다)</translation>
    </message>
    <message>
        <source>Prune &amp;all unused images…</source>
        <translation>사용하지 않는 이미지 모두 정리(&amp;A)…</translation>
    </message>
    <message>
        <source>docker image prune -a: every image no container uses (asks first)</source>
        <translation>docker image prune -a: 어떤 컨테이너도 쓰지 않는 모든 이미지 (먼저 묻습니다)</translation>
    </message>
    <message>
        <source>&amp;What-if</source>
        <translation>What-if 모드(&amp;W)</translation>
    </message>
    <message>
        <source>A sandbox over this snapshot: remove, untag and prune are simulated, nothing is deleted (W)</source>
        <translation>이 스냅샷 위의 샌드박스: 삭제, 태그 해제, 정리를 시뮬레이션만 하고 아무것도 삭제하지 않습니다 (W)</translation>
    </message>
    <message>
        <source>&amp;Undo what-if step</source>
        <translation>what-if 단계 실행 취소(&amp;U)</translation>
    </message>
    <message>
        <source>Take back the last what-if step (Ctrl+Z)</source>
        <translation>마지막 what-if 단계를 되돌립니다 (Ctrl+Z)</translation>
    </message>
    <message>
        <source>Re&amp;do what-if step</source>
        <translation>what-if 단계 다시 실행(&amp;D)</translation>
    </message>
    <message>
        <source>Apply the undone step again (Ctrl+Shift+Z)</source>
        <translation>되돌린 단계를 다시 적용합니다 (Ctrl+Shift+Z)</translation>
    </message>
    <message>
        <source>&amp;Read-only</source>
        <translation>읽기 전용(&amp;R)</translation>
    </message>
    <message>
        <source>Disable every action that changes the daemon</source>
        <translation>데몬을 바꾸는 모든 작업을 끕니다</translation>
    </message>
    <message>
        <source>&amp;About Layerscope</source>
        <translation>Layerscope 정보(&amp;A)</translation>
    </message>
    <message>
        <source>What Layerscope is</source>
        <translation>Layerscope 소개</translation>
    </message>
    <message>
        <source>Show &amp;files</source>
        <translation>파일 보기(&amp;F)</translation>
    </message>
    <message>
        <source>What each layer of the selected image adds, modifies and deletes, the merged filesystem and the wasted bytes (Ctrl+I)</source>
        <translation>선택한 이미지의 각 레이어가 추가·수정·삭제하는 것, 합쳐진 파일시스템, 낭비된 바이트 (Ctrl+I)</translation>
    </message>
    <message>
        <source>&amp;Compare with…</source>
        <translation>비교할 이미지(&amp;C)…</translation>
    </message>
    <message>
        <source>The layers two images share, where they diverge and the files that differ: the two selected rows, or the selected image and one you choose (Ctrl+Shift+D)</source>
        <translation>두 이미지가 공유하는 레이어, 갈라지는 곳, 다른 파일: 선택한 두 행, 또는 선택한 이미지와 고른 이미지 (Ctrl+Shift+D)</translation>
    </message>
    <message>
        <source>&amp;Delete history…</source>
        <translation>삭제 기록(&amp;D)…</translation>
    </message>
    <message>
        <source>Every delete refused or performed, with its prediction and the daemon&apos;s answer</source>
        <translation>거부되거나 실행된 모든 삭제와 그 예측, 데몬의 응답</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>파일(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>보기(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Image</source>
        <translation>이미지(&amp;I)</translation>
    </message>
    <message>
        <source>&amp;Settings</source>
        <translation>설정(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>도움말(&amp;H)</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>기본 도구 모음</translation>
    </message>
    <message>
        <source>READ-ONLY</source>
        <translation>읽기 전용</translation>
    </message>
    <message>
        <source>Read-only: nothing can be removed (--read-only, LAYERSCOPE_READ_ONLY=1 or Settings → Read-only)</source>
        <translation>읽기 전용: 아무것도 삭제할 수 없습니다 (--read-only, LAYERSCOPE_READ_ONLY=1 또는 설정 → 읽기 전용)</translation>
    </message>
    <message>
        <source>read-only</source>
        <translation>읽기 전용</translation>
    </message>
    <message>
        <source>no daemon behind the demo — use What-if (W)</source>
        <translation>데모에는 데몬이 없습니다 — What-if(W)를 쓰세요</translation>
    </message>
    <message>
        <source>no daemon behind a snapshot file — use What-if (W)</source>
        <translation>스냅샷 파일에는 데몬이 없습니다 — What-if(W)를 쓰세요</translation>
    </message>
</context>
</TS>
