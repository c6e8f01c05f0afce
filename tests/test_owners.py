"""Owners phrases read over a ledger's vocabulary: the bundled notice first, then other offices'."""

from __future__ import annotations

from pathlib import Path

import pytest

from gkledger.core.model import Selector
from gkledger.core.owners import Vocabulary, plain
from gkledger.core.units import UnitIndex
from gkledger.store.load import load

from .conftest import DATA, write

CITY_UNITS = """\
words:
  部门: {kind: 市直部门}
units:
  - name: 市政府
    full_name: 某某市人民政府
    kind: 政府
    level: 市级
  - name: 市政府办公室
    full_name: 某某市人民政府办公室
    aliases: [市政府办]
    kind: 市直部门
    level: 市级
    parent: 市政府
    tags: [政务公开主管]
  - name: 发展改革委
    full_name: 某某市发展和改革委员会
    aliases: [发展和改革委员会]
    kind: 市直部门
    level: 市级
    parent: 市政府
  - name: 住建局
    full_name: 某某市住房和城乡建设局
    aliases: [住房和城乡建设局]
    kind: 市直部门
    level: 市级
    parent: 市政府
  - name: 财政局
    full_name: 某某市财政局
    kind: 市直部门
    level: 市级
    parent: 市政府
  - name: 人力资源和社会保障局
    full_name: 某某市人力资源和社会保障局
    kind: 市直部门
    level: 市级
    parent: 市政府
  - name: 东县
    full_name: 某某市东县
    kind: 县市区
    level: 县级
    parent: 市政府
  - name: 西区
    full_name: 某某市西区
    kind: 县市区
    level: 县级
    parent: 市政府
  - name: 高新区
    full_name: 某某市高新技术产业开发区
    kind: 功能区
    level: 县级
    parent: 市政府
"""

BUREAU_UNITS = """\
units:
  - name: 办公室
    full_name: 某某县财政局办公室
    kind: 科室
    level: 股级
  - name: 预算股
    full_name: 某某县财政局预算股
    kind: 科室
    level: 股级
  - name: 国库中心
    full_name: 某某县财政局国库集中支付中心
    kind: 二级单位
    level: 股级
"""


def vocabulary(root: Path) -> tuple[Vocabulary, UnitIndex]:
    ledger = load(root).ledger
    index = UnitIndex(ledger.units, ledger.groups)
    return Vocabulary(index, ledger.words), index


def names(index: UnitIndex, terms: tuple) -> list[str]:  # type: ignore[type-arg]
    return [unit.name for unit in index.select(Selector(terms))] if terms else []


def ledger_root(tmp_path: Path, units: str) -> Path:
    root = tmp_path / "data"
    write(root / "units.yaml", units)
    write(root / "tasks.yaml", "plan:\n  title: t\n  year: 2022\ntasks: []\n")
    (root / "progress").mkdir()
    return root


def test_every_phrase_of_the_bundled_notice_reads_as_it_is_mapped() -> None:
    """The bundled table is the parser's first regression suite: each of its 25 owners phrases,
    read by rule over the ledger's vocabulary, means exactly the units its owed_by names."""
    ledger = load(DATA).ledger
    words, index = vocabulary(DATA)
    assert len(ledger.tasks) == 25
    for task in ledger.tasks:
        reading = words.read(task.owners)
        assert names(index, reading.owed) == names(index, task.owed_by.terms), task.id
        lead = task.lead.terms if task.lead else ()
        assert names(index, reading.lead) == names(index, lead), task.id
        # Only row 3 names supporters it does not say who they are ("相关职能部门").
        assert reading.unresolved == (("相关职能部门",) if task.id == "3" else ()), task.id


def test_the_bundled_role_lists_keep_their_structure() -> None:
    words, _ = vocabulary(DATA)
    reading = words.read("旗县区级以上发改委、司法、财政、人力资源和社会保障、市场监管部门。")
    assert [(t.group, t.role) for t in reading.owed] == [
        (("旗县区级以上",), ("发改", "司法", "财政", "人社", "市场监管"))
    ]
    reading = words.read("旗县区级以上政府及其部门。")
    assert reading.owed[0].with_children is not None


@pytest.mark.parametrize(
    ("phrase", "owed", "lead", "unresolved"),
    [
        ("市政府办公室", ["市政府办公室"], [], []),
        ("某某市财政局", ["财政局"], [], []),
        ("市财政局", ["财政局"], [], []),
        ("市人力资源和社会保障局", ["人力资源和社会保障局"], [], []),
        ("各县市区人民政府", ["东县", "西区"], [], []),
        ("各县市区人民政府、市财政局", ["财政局", "东县", "西区"], [], []),
        (
            "市政府各有关部门,各县市区人民政府、功能区管委会负责落实",
            ["东县", "西区", "高新区"],
            [],
            ["市政府各有关部门"],
        ),
        (
            "市发展改革委牵头,市住建局等市政府有关部门配合",
            ["发展改革委", "住建局"],
            ["发展改革委"],
            ["市政府有关部门"],
        ),
        ("市财政局牵头，各县市区分别负责", ["财政局", "东县", "西区"], ["财政局"], []),
        ("由市住建局负责", ["住建局"], [], []),
        ("各有关单位", [], [], ["各有关单位"]),
        (
            "县市区级以上政府及其部门",
            [
                "市政府",
                "市政府办公室",
                "发展改革委",
                "住建局",
                "财政局",
                "人力资源和社会保障局",
                "东县",
                "西区",
            ],
            [],
            [],
        ),
        # A role: the city government is replaced by its department holding it; a county stands
        # for itself until the ledger lists its departments.
        ("县市区级以上财政部门", ["财政局", "东县", "西区"], [], []),
        ("县市区级以上政务公开主管部门", ["市政府办公室", "东县", "西区"], [], []),
        ("财政、人力资源和社会保障等部门", ["财政局", "人力资源和社会保障局"], [], []),
        ("市政府办公室及其他有关部门", ["市政府办公室"], [], ["其他有关部门"]),
        # As other tables write them
        ("各县（市、区）人民政府", ["东县", "西区"], [], []),
        ("各县、市、区人民政府", ["东县", "西区"], [], []),
        ("县级以上人民政府", ["市政府", "东县", "西区", "高新区"], [], []),
        ("市财政局\n市住建局", ["住建局", "财政局"], [], []),
        ("市住建局、市财政局（牵头）", ["住建局", "财政局"], ["财政局"], []),
        ("牵头单位：市财政局；配合单位：各县市区人民政府", ["财政局", "东县", "西区"], ["财政局"], []),
        ("牵头单位：市发展改革委", ["发展改革委"], ["发展改革委"], []),
        # Another name in brackets: both resolve, or the part stays to be assigned
        ("市发展改革委（发展和改革委员会）", ["发展改革委"], [], []),
        ("市政府办公室(市财政局)", ["市政府办公室", "财政局"], [], []),
        ("市财政局（国资委）", [], [], ["市财政局(国资委)"]),
        # A 功能区 named with its 管委会, or its full name's 管理委员会 shortened
        ("高新区管委会", ["高新区"], [], []),
        ("某某市高新区管委会", ["高新区"], [], []),
        # Nobody: the 责任单位 cell of a row whose lead does it alone
        ("——", [], [], []),
        ("无", [], [], []),
        ("牵头单位：市财政局；责任单位：——", ["财政局"], ["财政局"], []),
    ],
)
def test_a_citys_phrases(
    tmp_path: Path, phrase: str, owed: list[str], lead: list[str], unresolved: list[str]
) -> None:
    words, index = vocabulary(ledger_root(tmp_path, CITY_UNITS))
    reading = words.read(phrase)
    assert names(index, reading.owed) == [n for n in names_in_order(index) if n in owed]
    assert names(index, reading.lead) == lead
    assert list(reading.unresolved) == unresolved


def names_in_order(index: UnitIndex) -> list[str]:
    return [unit.name for unit in index.units]


def test_a_role_that_no_tag_says_is_the_units_name(tmp_path: Path) -> None:
    """ "县市区级以上财政部门" in a roster without tags: the role is 财政局 by its name, and the
    city government's child named so holds it."""
    words, index = vocabulary(ledger_root(tmp_path, CITY_UNITS))
    reading = words.read("县市区级以上财政部门")
    assert reading.owed[-1].role == ("财政局",)
    assert "财政局" in names(index, reading.owed)


@pytest.mark.parametrize(
    ("phrase", "owed", "unresolved"),
    [
        ("办公室/各科室", ["办公室", "预算股"], []),
        ("各科室、二级单位", ["办公室", "预算股", "国库中心"], []),
        ("办公室牵头，各科室配合", ["办公室", "预算股"], []),
        ("局领导班子", [], ["局领导班子"]),
    ],
)
def test_a_bureaus_phrases(tmp_path: Path, phrase: str, owed: list[str], unresolved: list[str]) -> None:
    words, index = vocabulary(ledger_root(tmp_path, BUREAU_UNITS))
    reading = words.read(phrase)
    assert names(index, reading.owed) == owed
    assert list(reading.unresolved) == unresolved


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("甲、乙，丙；丁", ["甲", "乙", "丙", "丁"]),
        ("甲和乙及丙与丁以及戊", ["甲", "乙", "丙", "丁", "戊"]),
        ("政府及其部门", ["政府及其部门"]),
        ("涉及领域的部门", ["涉及领域的部门"]),
        ("参与单位", ["参与单位"]),
        ("甲等有关部门", ["甲", "有关部门"]),
    ],
)
def test_splitting(tmp_path: Path, text: str, parts: list[str]) -> None:
    words, _ = vocabulary(ledger_root(tmp_path, BUREAU_UNITS))
    assert words.split(plain(text)) == parts


def test_a_conjunction_inside_a_name_does_not_split_it(tmp_path: Path) -> None:
    words, _ = vocabulary(ledger_root(tmp_path, CITY_UNITS))
    assert words.split("住房和城乡建设局和财政局") == ["住房和城乡建设局", "财政局"]


def test_a_kind_written_with_another_in_brackets(tmp_path: Path) -> None:
    units = BUREAU_UNITS + (
        "  - name: 甲镇\n    full_name: 甲镇\n    kind: 乡镇\n    level: 乡级\n"
        "  - name: 乙街道\n    full_name: 乙街道\n    kind: 街道\n    level: 乡级\n"
    )
    words, index = vocabulary(ledger_root(tmp_path, units))
    assert names(index, words.read("各乡镇（街道）").owed) == ["甲镇", "乙街道"]


TOWNS = (
    "units:\n"
    "  - {name: 甲镇, full_name: 某县甲镇人民政府, kind: 乡镇, level: 乡级}\n"
    "  - {name: 乙乡, full_name: 某县乙乡人民政府, kind: 乡镇, level: 乡级}\n"
    "  - {name: 丙街道, full_name: 某县丙街道办事处, kind: 街道, level: 乡级}\n"
    "  - {name: 县城镇建设局, full_name: 某县城镇建设局, kind: 县直部门, level: 科级}\n"
)


@pytest.mark.parametrize(
    ("phrase", "owed"),
    [
        ("各镇", ["甲镇"]),
        ("各乡", ["乙乡"]),
        ("各镇人民政府", ["甲镇"]),
        ("各镇（街道）", ["甲镇", "丙街道"]),
        ("各镇(办)", ["甲镇", "丙街道"]),  # 办: the 街道办事处
        ("各镇、街道", ["甲镇", "丙街道"]),
        ("各乡镇（街道）", ["甲镇", "乙乡", "丙街道"]),
        ("各乡（镇）", ["甲镇", "乙乡"]),
    ],
)
def test_towns_named_by_a_word_the_roster_has_no_kind_for(
    tmp_path: Path, phrase: str, owed: list[str]
) -> None:
    """The roster's kind is 乡镇; the table says 各镇 or 各镇（街道）: the units whose names end so."""
    words, index = vocabulary(ledger_root(tmp_path, TOWNS))
    reading = words.read(phrase)
    assert (names(index, reading.owed), list(reading.unresolved)) == (owed, [])


def test_the_words_line_names_a_unit_a_short_form_is_near(tmp_path: Path) -> None:
    """省发改委 for the roster's 省发展改革委: no kind or group is near it, the unit is."""
    units = (
        "units:\n"
        "  - {name: 省发展改革委, full_name: 某省发展和改革委员会, kind: 省直部门, level: 厅级}\n"
        "  - {name: 省财政厅, full_name: 某省财政厅, kind: 省直部门, level: 厅级}\n"
    )
    vocab, _index = vocabulary(ledger_root(tmp_path, units))
    assert vocab.words_line("省发改委") == "省发改委: {unit: 省发展改革委}"
    assert vocab.words_line("省政府办公厅") == "省政府办公厅: [{unit: …}]"


def test_the_words_line_names_the_nearest_kind_or_group_else_a_unit_to_fill_in() -> None:
    """What an unresolved phrase's message suggests adding under `words:` in units.yaml."""
    vocab, _index = vocabulary(DATA)
    assert vocab.words_line("各旗县区政府") == "各旗县区政府: {kind: 旗县区}"
    assert vocab.words_line("某某服务中心") == "某某服务中心: [{unit: …}]"  # nothing near: the office says
    assert vocab.words_line("12345平台").startswith('"12345平台": ')  # YAML would read a number first
