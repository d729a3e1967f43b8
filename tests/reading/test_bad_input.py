"""Bad input stops the build with one line naming the file and place; good outputs survive."""

import shutil
import subprocess
import sys

import pytest

from analysis import RAW_DIR


@pytest.fixture
def raw(tmp_path):
    """A private copy of data/raw that a test may damage."""
    target = tmp_path / "raw"
    shutil.copytree(RAW_DIR, target)
    return target


def build(raw, out):
    return subprocess.run([sys.executable, "-m", "analysis", "build", "--manifest", str(raw / "documents.yml"),
                           "--out", str(out), "--strict"], capture_output=True, text=True, timeout=120)


def assert_one_line_error(proc, *fragments):
    assert proc.returncode == 1, proc.stdout + proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    for f in fragments:
        assert f in lines[0], lines[0]
    return lines[0]


@pytest.fixture
def good_out(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "units.parquet").write_bytes(b"previous good output")
    return out


def assert_untouched(out):
    assert (out / "units.parquet").read_bytes() == b"previous good output"
    assert sorted(p.name for p in out.parent.iterdir() if p.name.startswith(".out")) == []


def test_shipped_documents_build(tmp_path):
    proc = build(RAW_DIR, tmp_path / "out")
    assert proc.returncode == 0, proc.stderr
    assert "unaccounted chars 0" in proc.stdout
    assert {p.name for p in (tmp_path / "out").iterdir()} >= {"units.parquet", "units.csv", "workbook.xlsx"}
    assert (tmp_path / "out" / "units.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_missing_file(raw, good_out):
    (raw / "tibet-2021.txt").unlink()
    line = assert_one_line_error(build(raw, good_out), "document tibet-2021: file 'tibet-2021.txt' not found")
    assert line.startswith(f"error: {raw / 'documents.yml'}:28:")          # where tibet's entry starts
    assert_untouched(good_out)


def test_empty_file(raw, good_out):
    (raw / "wuhu-2021.txt").write_bytes(b"")
    assert_one_line_error(build(raw, good_out), "wuhu-2021.txt", "empty")
    assert_untouched(good_out)


def test_binary_file(raw, good_out):
    (raw / "qinghai-2022.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    assert_one_line_error(build(raw, good_out), "qinghai-2022.txt:3:1:", "binary")
    assert_untouched(good_out)


def test_damaged_utf8_is_named_not_read_as_another_encoding(raw, good_out):
    data = (raw / "wuhu-2021.txt").read_bytes()
    at = data.index("工作目标".encode())
    (raw / "wuhu-2021.txt").write_bytes(data[:at] + b"\xff" + data[at:])
    assert_one_line_error(build(raw, good_out), "wuhu-2021.txt:", "not valid UTF-8 (byte 0xff)")
    assert_untouched(good_out)


def test_unknown_encoding(raw, good_out):
    text = (raw / "wuhu-2021.txt").read_text(encoding="utf-8")
    (raw / "wuhu-2021.txt").write_bytes(text.encode("utf-8").replace("、".encode(), b"\xff\xfe\x80"))
    assert_one_line_error(build(raw, good_out), "wuhu-2021.txt:", "neither UTF-8 nor GB18030")
    assert_untouched(good_out)


def test_html_page_instead_of_text(raw, good_out):
    text = (raw / "qinghai-2022.txt").read_text(encoding="utf-8")
    page = "<!DOCTYPE html>\n<html><head><title>青海</title></head><body>\n" + "".join(
        f"<p>{line}</p>\n" for line in text.splitlines()) + "</body></html>\n"
    (raw / "qinghai-2022.txt").write_text(page, encoding="utf-8")
    assert_one_line_error(build(raw, good_out), "qinghai-2022.txt:1:1:", "an HTML page, not plain text")
    assert_untouched(good_out)


def test_document_cut_short(raw, good_out):
    text = (raw / "wuhu-2021.txt").read_text(encoding="utf-8")
    cut = text.index("18.")
    (raw / "wuhu-2021.txt").write_text(text[:cut + 60], encoding="utf-8")      # ends inside task 18
    assert_one_line_error(build(raw, good_out), "wuhu-2021.txt:", "task 18 does not end with its 责任单位 list")
    assert_untouched(good_out)


def test_truncated_inside_a_character(raw, good_out):
    data = (raw / "tibet-2021.txt").read_bytes()
    cut = data.index("15.推动藏医药振兴发展".encode()) + len("15.推动".encode()) + 1   # one byte into 藏
    (raw / "tibet-2021.txt").write_bytes(data[:cut])
    assert_one_line_error(build(raw, good_out), "tibet-2021.txt:55:6:", "truncated: the file ends inside a character")
    assert_untouched(good_out)


def test_truncated_mid_task(raw, good_out):
    # Cut task 10 before its 责任单位 list: the structure no longer closes.
    text = (raw / "wuhu-2021.txt").read_text(encoding="utf-8")
    cut = text.index("确保到2021年底40%")
    (raw / "wuhu-2021.txt").write_text(text[:cut], encoding="utf-8")
    line = assert_one_line_error(build(raw, good_out), "wuhu-2021.txt:65:1:", "task 10")
    assert "责任单位" in line
    assert_untouched(good_out)


def test_truncated_annex(raw, good_out):
    # Cut Shaoxing before the <END> marker of the database page.
    text = (raw / "shaoxing-2016.txt").read_text(encoding="utf-8")
    (raw / "shaoxing-2016.txt").write_text(text[: text.index("(五)强化基层医疗卫生服务能力建设。  1.")], encoding="utf-8")
    assert_one_line_error(build(raw, good_out), "shaoxing-2016.txt", "<END>")
    assert_untouched(good_out)


def test_unrecognised_structure(raw, good_out):
    # A Tibet paragraph that is neither numbered nor ends in its own parenthesis
    text = (raw / "tibet-2021.txt").read_text(encoding="utf-8")
    text = text.replace("6.稳步推进多种形式的医联体建设。", "稳步推进多种形式的医联体建设。", 1)
    text = text.replace("(拉萨市人民政府负责,自治区卫生健康委、人社厅、财政厅、医保局、药监局配合)", "", 1)
    (raw / "tibet-2021.txt").write_text(text, encoding="utf-8")
    assert_one_line_error(build(raw, good_out), "tibet-2021.txt:31:1:", "paragraph")
    assert_untouched(good_out)


def test_numbering_gap(raw, good_out):
    text = (raw / "qinghai-2022.txt").read_text(encoding="utf-8")
    (raw / "qinghai-2022.txt").write_text(text.replace("(七)开展公立医院", "(九)开展公立医院", 1), encoding="utf-8")
    assert_one_line_error(build(raw, good_out), "qinghai-2022.txt:19:1:", "task 9 found where task 7")
    assert_untouched(good_out)


def test_unknown_agency_is_named(raw, good_out):
    text = (raw / "wuhu-2021.txt").read_text(encoding="utf-8")
    (raw / "wuhu-2021.txt").write_text(text.replace("市卫健委、市残联", "市卫健委、市气象局", 1), encoding="utf-8")
    assert_one_line_error(build(raw, good_out), "wuhu-2021.txt:45:", "unknown agency '市气象局'", "agencies.yml")
    assert_untouched(good_out)


def test_manifest_duplicate_file(raw, good_out):
    manifest = raw / "documents.yml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text.replace("file: tibet-2021.txt", "file: wuhu-2021.txt"), encoding="utf-8")
    assert_one_line_error(build(raw, good_out), "documents.yml:",
                          "documents tibet-2021 and wuhu-2021 share file 'wuhu-2021.txt'")
    assert_untouched(good_out)


@pytest.mark.parametrize("old, new, message", [
    ("family: annex_marked", "family: marked_cells", "document shaoxing-2016: unknown family 'marked_cells' (known: "),
    ("roles: first_listed", "roles: first_named", "parameter roles of family paragraphs must be one of parenthesis, first_listed"),
    ("follow_on: true", "follow_on: yes please", "parameter follow_on of family paragraphs must be true or false"),
    ("goal_words: [目标]", "goal_word: [目标]", "unknown parameter(s) for family paragraphs: goal_word"),
    ("family: annex_columns", "normalizer: yancheng", "'normalizer' is now 'family' with 'params'"),
])
def test_manifest_bad_family_or_params(raw, good_out, old, new, message):
    manifest = raw / "documents.yml"
    text = manifest.read_text(encoding="utf-8")
    assert old in text
    manifest.write_text(text.replace(old, new), encoding="utf-8")
    assert_one_line_error(build(raw, good_out), "documents.yml:", message)
    assert_untouched(good_out)


@pytest.mark.parametrize("file", ["../../../../etc/passwd", "/etc/passwd", "link.txt"])
def test_raw_files_resolve_inside_the_raw_folder(raw, good_out, file):
    (raw / "link.txt").symlink_to("/etc/hostname")
    manifest = (raw / "documents.yml").read_text(encoding="utf-8")
    (raw / "documents.yml").write_text(manifest.replace("file: tibet-2021.txt", f"file: {file}"), encoding="utf-8")
    assert_one_line_error(build(raw, good_out), f"file '{file}' is outside the raw folder")
    assert_untouched(good_out)


def test_a_document_pasted_in_four_times_is_named_not_swallowed_by_its_footer(raw, good_out):
    text = (raw / "wuhu-2021.txt").read_text(encoding="utf-8")
    (raw / "wuhu-2021.txt").write_text(text * 4, encoding="utf-8")
    assert_one_line_error(build(raw, good_out), "wuhu-2021.txt:137:1: 54 numbered paragraphs after the page footer "
                                                "(line 94): is a second document in the file?")
    assert_untouched(good_out)
