"""Reading agency lists, and telling a list of names from a line of prose (the table families
decide with it where a wrapped row's text ends and its cells begin)."""

import pytest

from analysis.reading.agencies import UnknownAgency, agency_shaped, parse_list, reads_as_list, reads_as_prose


def names(text, region="yancheng", prefix="市"):
    return [m.agency.name_zh for m in parse_list(text, 0, len(text), region, prefix)]


def test_a_list_shares_its_prefix_and_suffix():
    # Yancheng row 10's support cell
    assert names("各级医保、卫生健康等部门") == ["各级医保部门", "各级卫生健康部门"]


def test_ji_joins_two_names():
    # 及 separates before 各级 or 市, also across a line break; elsewhere it is part of a name
    assert names("市财政局及市卫生健康委") == ["市财政局", "市卫生健康委"]
    assert names("市财政局及各\n级卫生健康部门") == ["市财政局", "各级卫生健康部门"]


def test_a_leading_group_is_one_name():
    assert names("各级医改领导小组各成员单位") == ["各级医改领导小组成员单位"]


@pytest.mark.parametrize("text, expected", [
    ("市发改委、财政局及各级卫生健康、发改、财政等部门", True),     # Yancheng row 30
    ("市发改委、财政局及各\n级卫生健康、发改、财政等部门", True),   # 及 separates across a line break
    ("各级人社、", False),                                       # a cell broken after its separator
    ("各级卫生", False),                                         # half of 各级卫生健康部门
    # a sentence that ends in names is not a list, nor is a group name that swallowed others
    ("医药工作。各级医改办各级医改领导小组各成员单位", False),
    ("市气象局各级医改领导小组各成员单位", False),
])
def test_reads_as_list(text, expected):
    assert reads_as_list(text, 0, len(text), "yancheng", "市") is expected


@pytest.mark.parametrize("text, shaped, prose", [
    ("市气象局", True, False),                  # a name the dictionary lacks still reads as one
    ("市卫生健康委、市气象局", True, False),
    ("各级卫生", False, False),                 # a fragment of a name: neither
    ("做优市中医院,", True, False),             # a clause of Yancheng row 85: shaped like a name, so
                                                # the table families also ask whether a clause ends
    ("医疗、医保、医药工作。", False, True),
    ("病种入组结算率达到70%", False, True),
    ("推动发展中医康复专科专病服务体系建设", False, True),   # longer than any name
])
def test_agency_shaped_and_prose(text, shaped, prose):
    assert agency_shaped(text, 0, len(text), "yancheng", "市") is shaped
    assert reads_as_prose(text, 0, len(text), "yancheng", "市") is prose


def test_unknown_name_is_reported_with_its_offset():
    with pytest.raises(UnknownAgency) as exc:
        parse_list("各级医保部门、市气象局", 0, 11, "yancheng", "市")
    assert (exc.value.name, exc.value.offset) == ("市气象局", 7)


def test_a_bare_trailer_is_reported_as_printed():
    # "等部门" left alone on a line by a wrap: the unknown name is what is printed, never ''
    with pytest.raises(UnknownAgency) as exc:
        parse_list("等部门", 0, 3, "yancheng", "市")
    assert exc.value.name == "等部门"
